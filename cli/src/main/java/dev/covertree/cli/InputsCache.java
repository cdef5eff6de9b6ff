package dev.covertree.cli;

import dev.covertree.engine.internal.util.NativeMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker's inputs kept between requests, with what was derived from them (orderings, plans and their
 * trees): keyed by the job's data settings and the identity of every file they read, the least recently
 * used closed once the total passes the memory budget. Inputs one of whose files has since been deleted or
 * rewritten can never be asked for again (the key holds the file's identity) and are closed at the end of the
 * next request: in a loop whose every call brings new arrays, the Python package deletes its oldest array files,
 * and their trees go with them. The budget left over keeps the memory of what closes
 * ({@link NativeMemory#keepFreed}) for the next request's trees, which would otherwise take memory new to the
 * process, slow at its first touch. Used by one request at a time.
 */
final class InputsCache implements AutoCloseable {
    private final long budget;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean lastWasHit;

    /**
     * What a job's inputs are made from: every data setting as given (file names included) and the files they
     * name, whose identity at the request completes the key.
     */
    record Key(String settings, List<Path> files) {
    }

    /** Kept inputs, their settings and the identity of each file they were read from, as it was then. */
    private record Entry(Inputs inputs, String settings, Map<Path, String> identities) {
        /** Whether one of the files is gone or has another identity now. */
        boolean stale() {
            for (Map.Entry<Path, String> f : identities.entrySet()) {
                try {
                    if (!identity(f.getKey()).equals(f.getValue())) {
                        return true;
                    }
                } catch (IOException e) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A cache holding at most about {@code budget} bytes between requests (the last request's inputs may exceed it while it runs). */
    InputsCache(long budget) {
        this.budget = budget;
    }

    /**
     * The inputs of {@code key}'s settings and its files as they are now, loaded by {@code load} when absent (an
     * entry for the same settings with its files in another state goes first).
     */
    Inputs get(Key key, Inputs.IoSupplier<Inputs> load) throws IOException {
        Map<Path, String> identities = new LinkedHashMap<>();
        for (Path f : key.files()) {
            identities.put(f, identity(f));
        }
        String id = key.settings() + " @" + String.join(" @", identities.values());
        Entry e = entries.get(id);
        lastWasHit = e != null;
        if (e == null) {
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                Entry old = it.next();
                if (old.settings().equals(key.settings())) {
                    old.inputs().close();
                    it.remove();
                }
            }
            e = new Entry(load.get(), key.settings(), identities);
            entries.put(id, e);
        }
        return e.inputs();
    }

    /** Whether the last {@link #get} found its inputs kept. */
    boolean lastWasHit() {
        return lastWasHit;
    }

    /**
     * Closes the inputs whose files changed, then the least recently used until the rest fit the budget; the
     * budget the rest leave keeps freed memory for the next request.
     */
    void trim() {
        List<String> closing = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().stale()) {
                closing.add(e.getKey());
            } else {
                total += e.getValue().inputs().bytes();
            }
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (total <= budget) {
                break;
            }
            if (!closing.contains(e.getKey())) {
                closing.add(e.getKey());
                total -= e.getValue().inputs().bytes();
            }
        }
        // set before the closing, so that their blocks are kept rather than given back
        NativeMemory.keepFreed(Math.max(0, budget - total));
        for (String k : closing) {
            entries.remove(k).inputs().close();
        }
    }

    /** Inputs kept now. */
    int size() {
        return entries.size();
    }

    @Override
    public void close() {
        entries.values().forEach(e -> e.inputs().close());
        entries.clear();
        NativeMemory.keepFreed(0);
    }

    /**
     * A file's identity for the key: device and inode, size, modification and change times. A file
     * rewritten in place changes at least its change time; a missing file has none (loading it then fails
     * with the usual message).
     */
    private static String identity(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "missing";
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        Object ctime;
        try {
            ctime = Files.getAttribute(file, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            ctime = "";
        }
        return a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime().toInstant() + "/" + ctime;
    }
}
