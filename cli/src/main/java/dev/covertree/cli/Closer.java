package dev.covertree.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/** What one scope opened, closed in reverse order when the scope ends; failures while releasing are ignored. */
final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Closes {@code resource} with this scope; returns it. */
    <T extends AutoCloseable> T keep(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // releasing memory and mappings; nothing to report
            }
        }
    }
}
