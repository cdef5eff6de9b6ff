package dev.covertree.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one body on {@code threads} threads (the caller's own when 1) and rethrows the first failure. */
final class Parallel {
    private Parallel() {
    }

    static void run(int threads, Runnable body, AtomicReference<Throwable> failure) {
        List<Thread> started = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            Thread th = new Thread(body, "covertree-worker-" + t);
            th.start();
            started.add(th);
        }
        body.run();
        for (Thread th : started) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, e);
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException("interrupted", f);
        }
    }
}
