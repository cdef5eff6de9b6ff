package dev.covertree.engine;

import dev.covertree.engine.internal.util.NativeMemory;
import dev.covertree.engine.internal.util.WorkHistogram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The answer of a k-NN search: {@code indices} int64 Q x k and {@code distances}
 * float64 Q x k, off-heap, each row sorted by distance then id, missing entries −1 / +∞; and the work
 * it took.
 */
public final class KnnResult implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment indices;
    private final MemorySegment distances;
    private final long queries;
    private final int k;
    private long distanceEvaluations;
    private long nodesVisited;
    private long searchedAgain;
    private double seconds;
    private Engine engine;
    private long medianPerQuery = -1;
    private double checkSeconds;
    private long maxPerQuery = -1;

    /** An empty result of {@code queries} x {@code k} ids and distances, off-heap, freed by {@link #close}. */
    public KnnResult(long queries, int k) {
        this(queries, k, 1);
    }

    /**
     * As {@link #KnnResult(long, int)}, large arrays zeroed on {@code threads} threads (a search's own count). A
     * search writes its rows in the tree's order, scattered over the arrays, so large ones are on huge pages where
     * the kernel has them and zeroed up front ({@link NativeMemory}): otherwise each 4 KiB page faults on its first
     * write, which on some virtual machines costs as much as the search.
     */
    public KnnResult(long queries, int k, int threads) {
        this.arena = Arena.ofShared();
        this.queries = queries;
        this.k = k;
        long bytes = queries * k * 8;
        this.indices = NativeMemory.allocateZeroed(arena, Math.max(8, bytes), threads).asSlice(0, bytes);
        this.distances = NativeMemory.allocateZeroed(arena, Math.max(8, bytes), threads).asSlice(0, bytes);
    }

    /** A result written into the caller's segments (for example memory-mapped output files). */
    public KnnResult(long queries, int k, MemorySegment indices, MemorySegment distances) {
        if (indices.byteSize() != queries * k * 8 || distances.byteSize() != queries * k * 8) {
            throw new IllegalArgumentException("output segments must hold " + queries + " x " + k + " eight-byte values");
        }
        this.arena = null;
        this.queries = queries;
        this.k = k;
        this.indices = indices;
        this.distances = distances;
    }

    /** Number of queries Q. */
    public long queries() {
        return queries;
    }

    /** Neighbours per query k. */
    public int k() {
        return k;
    }

    /** Q x k int64, C order. */
    public MemorySegment indices() {
        return indices;
    }

    /** Q x k float64, C order. */
    public MemorySegment distances() {
        return distances;
    }

    /** Neighbour {@code j} of query {@code q}, or −1. */
    public long index(long q, int j) {
        return indices.getAtIndex(ValueLayout.JAVA_LONG, q * k + j);
    }

    /** Distance to neighbour {@code j} of query {@code q}, or +∞. */
    public double distance(long q, int j) {
        return distances.getAtIndex(ValueLayout.JAVA_DOUBLE, q * k + j);
    }

    /** Replaces the distance to neighbour {@code j} of query {@code q} ({@link dev.covertree.engine.metric.Metric#finishAnswer}). */
    public void setDistance(long q, int j, double d) {
        distances.setAtIndex(ValueLayout.JAVA_DOUBLE, q * k + j, d);
    }

    /** Distances computed, over all queries (tree build not included). */
    public long distanceEvaluations() {
        return distanceEvaluations;
    }

    /**
     * Tree nodes expanded, over all queries (0 for the brute-force engines); for the residual bounds tree, whose
     * search descends its wide view, wide nodes and leaves.
     */
    public long nodesVisited() {
        return nodesVisited;
    }

    /**
     * Queries searched a second time: the Euclidean bounds-tree search starts each run of neighbouring queries
     * from a guessed k-th distance, and searches a query again without it where the guess was too small (the
     * answer is the same either way; a high count means the guess cost time). 0 for the other engines.
     */
    public long queriesSearchedAgain() {
        return searchedAgain;
    }

    /** Wall-clock seconds of the search. */
    public double seconds() {
        return seconds;
    }

    /** The engine that ran (AUTO resolved). */
    public Engine engine() {
        return engine;
    }

    /**
     * The median of the distances each query evaluated, or −1 where the engine does not count them per query
     * (only the bounds tree does). Exact below 1024, otherwise within 0.2 % (rounded down).
     */
    public long medianDistancesPerQuery() {
        return medianPerQuery;
    }

    /** The most distances one query evaluated, or −1 where the engine does not count them per query. */
    public long maxDistancesPerQuery() {
        return maxPerQuery;
    }

    /**
     * Seconds of the input checks that ran with the search ({@link KnnOptions#checkInputs}: p against V and
     * the variance before it, which {@link #seconds} includes; the answer's zero distances after it, which it
     * does not).
     */
    public double checkSeconds() {
        return checkSeconds;
    }

    /** Records how long the input checks that ran with the search took (the search sets it). */
    public void recordChecks(double seconds) {
        this.checkSeconds = seconds;
    }

    /** Records how the search that filled this result ran (the search's own bookkeeping). */
    public void recordRun(Engine engine, double seconds, long distanceEvaluations, long nodesVisited, long searchedAgain,
                          WorkHistogram perQuery) {
        this.engine = engine;
        this.seconds = seconds;
        this.distanceEvaluations = distanceEvaluations;
        this.nodesVisited = nodesVisited;
        this.searchedAgain = searchedAgain;
        if (perQuery.count() > 0) {
            this.medianPerQuery = perQuery.median();
            this.maxPerQuery = perQuery.max();
        }
    }

    /** Frees the result (memory the caller gave stays the caller's). */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
