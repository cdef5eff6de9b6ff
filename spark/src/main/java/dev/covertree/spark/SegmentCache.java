package dev.covertree.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The segment indexes one executor JVM holds, so that the tasks of a segment build its index once: keyed
 * by job and segment, built by the first task that asks (others wait for it), counted while tasks use
 * them. An index nobody uses is closed when more than {@code CAPACITY} (one more than the cores) are held, oldest use first, or when
 * a task of another job arrives (a long-lived executor serves many jobs); {@link #release} drops a job's
 * indexes at once (the driver's own JVM in local mode).
 */
final class SegmentCache {
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>(16, 0.75f, true);
    private static final int CAPACITY = Math.max(2, Runtime.getRuntime().availableProcessors() + 1);

    private SegmentCache() {
    }

    private static final class Entry {
        final String job;
        final CompletableFuture<SegmentIndex> index = new CompletableFuture<>();
        int users;

        Entry(String job) {
            this.job = job;
        }
    }

    /** A segment index held for one task; closing it hands it back. */
    record Lease(String key, SegmentIndex index) implements AutoCloseable {
        @Override
        public void close() {
            giveBack(key);
        }
    }

    /** The index of segment {@code segment} of job {@code job}, built with {@code build} if this JVM has none. */
    static Lease acquire(String job, int segment, Supplier<SegmentIndex> build) {
        String key = job + "/" + segment;
        Entry e;
        boolean builder = false;
        List<Entry> stale;
        synchronized (SegmentCache.class) {
            stale = evict(job);
            e = ENTRIES.get(key);
            if (e == null) {
                e = new Entry(job);
                ENTRIES.put(key, e);
                builder = true;
            }
            e.users++;
        }
        closeAll(stale);
        if (builder) {
            try {
                e.index.complete(build.get());
            } catch (RuntimeException | Error t) {
                e.index.completeExceptionally(t);
                synchronized (SegmentCache.class) {
                    ENTRIES.remove(key, e);
                }
            }
        }
        try {
            return new Lease(key, e.index.join());
        } catch (java.util.concurrent.CompletionException t) {
            synchronized (SegmentCache.class) {
                e.users--;
            }
            throw t.getCause() instanceof RuntimeException r ? r : t;
        }
    }

    private static void giveBack(String key) {
        List<Entry> stale;
        synchronized (SegmentCache.class) {
            Entry e = ENTRIES.get(key);
            if (e != null) {
                e.users--;
            }
            stale = evict(null);
        }
        closeAll(stale);
    }

    /** Drops every index of {@code job} nobody uses (the others go when their last task ends). */
    static void release(String job) {
        List<Entry> stale = new ArrayList<>();
        synchronized (SegmentCache.class) {
            for (Iterator<Entry> it = ENTRIES.values().iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.job.equals(job) && e.users == 0) {
                    it.remove();
                    stale.add(e);
                }
            }
        }
        closeAll(stale);
    }

    /** Number of indexes held (for tests). */
    static synchronized int size() {
        return ENTRIES.size();
    }

    /**
     * Removes, under the lock, the unused entries of jobs other than {@code current} (when given) and, oldest
     * use first, unused entries beyond the capacity; the caller closes them outside the lock.
     */
    private static List<Entry> evict(String current) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = ENTRIES.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            boolean otherJob = current != null && !e.job.equals(current);
            if (e.users == 0 && e.index.isDone() && (otherJob || ENTRIES.size() > CAPACITY)) {
                it.remove();
                out.add(e);
            }
        }
        return out;
    }

    private static void closeAll(List<Entry> entries) {
        for (Entry e : entries) {
            if (!e.index.isCompletedExceptionally()) {
                e.index.join().close();
            }
        }
    }
}
