package dev.covertree.engine.internal.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The one parallel loop of the engine: workers take chunks of a range of work items from a shared
 * counter until it is used up or one of them fails.
 *
 * <p>It returns only after every worker has finished, whatever happened (an interrupt of the calling
 * thread is remembered and re-asserted, not acted on early), because callers close the arenas that the
 * workers read as soon as it returns. The first failure is rethrown; the others stop at their next chunk.
 *
 * <p>The helper threads are kept between loops (daemon threads, each ended after a minute unused): a program
 * that searches again and again, a worker's requests or a {@code Searcher}'s batches, would otherwise start
 * new threads for every short search, each start costing as much as hundreds of queries.
 */
public final class Parallel {
    private static final ExecutorService HELPERS = keptThreads("covertree-worker-");

    private Parallel() {
    }

    /**
     * Threads kept between tasks: daemon threads named {@code prefix} and a number, each ended after a minute
     * unused, started only when none is free. For work that comes again and again in short pieces, where
     * starting a thread would cost as much as the piece.
     */
    public static ExecutorService keptThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        ThreadFactory factory = r -> Thread.ofPlatform().daemon().name(prefix + number.incrementAndGet()).unstarted(r);
        return Executors.newCachedThreadPool(factory);
    }

    /** The work of one chunk, with the worker's own state. */
    @FunctionalInterface
    public interface ChunkBody<S> {
        /** Processes items {@code [from, to)}. */
        void run(S state, long from, long to) throws Exception;
    }

    /**
     * Runs {@code body} over {@code [0, total)} in chunks of {@code chunk} items on up to {@code threads}
     * threads (the caller's own among them). Each worker makes its state once with {@code newState}, in
     * its own thread, and closes it there at the end when it is {@link AutoCloseable}.
     *
     * @return every worker's state, for the caller to collect counters from
     */
    public static <S> List<S> forEachChunk(int threads, long total, int chunk, Supplier<S> newState, ChunkBody<S> body) {
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<S> states = Collections.synchronizedList(new ArrayList<>());
        int workers = (int) Math.max(1, Math.min(threads, (total + chunk - 1) / chunk));
        Runnable worker = () -> {
            try {
                S state = newState.get();
                states.add(state);
                try {
                    for (long from = next.getAndAdd(chunk); from < total && failure.get() == null;
                         from = next.getAndAdd(chunk)) {
                        body.run(state, from, Math.min(total, from + chunk));
                    }
                } finally {
                    if (state instanceof AutoCloseable c) {
                        c.close();
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        };
        List<Future<?>> started = new ArrayList<>();
        for (int t = 1; t < workers; t++) {
            started.add(HELPERS.submit(worker));
        }
        worker.run();
        boolean interrupted = false;
        for (Future<?> th : started) {
            while (true) {
                try {
                    th.get();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    // the worker catches everything it throws: nothing reaches here
                    failure.compareAndSet(null, e.getCause());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    // tell the others to stop early, but keep waiting: they still read the caller's memory
                    failure.compareAndSet(null, e);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f instanceof InterruptedException ? "interrupted" : f.toString(), f);
        }
        return states;
    }
}
