package dev.covertree.engine.internal.search;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The k best (distance, id) pairs seen so far, ordered by distance then id: two arrays kept sorted
 * (an insertion walks down from the end), reused across queries, so offering allocates nothing. For the k of
 * neighbour searches (tens) a sorted insert costs less than a heap's sift, and the result needs no sort (an
 * unsorted buffer cut back to k by quickselect whenever it fills was measured slower).
 *
 * <p>A search may set a cap ({@link #limitTo}): a guess of its k-th distance from a neighbouring query. Pairs
 * farther than the cap are not taken and {@link #bound} starts at the cap instead of +∞, so the first
 * candidates, most of which a later and nearer one would push out, are never inserted. A heap that ends
 * {@link #isFull full} under a cap holds the exact answer: its k pairs are real candidates, so the true k-th
 * distance is at most its k-th, which is at most the cap, and every bound the search pruned with was at least
 * its k-th (the argument in full is at {@code BoundsTreeSearch}). One that ends short must be searched again
 * without a cap.
 */
public final class TopK {
    private final int k;
    private final double[] dist;
    private final long[] ids;
    private int size;
    /** Pairs farther than this are not taken ({@link #limitTo}); +∞ unless a search set one. */
    private double cap = Double.POSITIVE_INFINITY;

    public TopK(int k) {
        this.k = k;
        this.dist = new double[k];
        this.ids = new long[k];
        Arrays.fill(ids, -1L);
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
    }

    public int capacity() {
        return k;
    }

    /**
     * Empties it. The slots past the held pairs always hold the padding (−1, +∞) that {@link #drainTo} writes, so
     * that a row with fewer than k pairs (the first points of a predecessor search) takes no branch of its own:
     * the JIT compiles a branch no query took as never taken, and the query that takes it would have the search
     * that inlined it compiled again, in the middle of the run.
     */
    public void clear() {
        // only the held pairs' slots can differ from the padding
        Arrays.fill(ids, 0, size, -1L);
        Arrays.fill(dist, 0, size, Double.POSITIVE_INFINITY);
        size = 0;
        cap = Double.POSITIVE_INFINITY;
    }

    /**
     * Takes no pair farther than {@code cap} from now until {@link #clear}: for a search that guessed its k-th
     * distance (see the class comment; the search must check {@link #isFull} at its end). Set on an empty heap.
     */
    public void limitTo(double cap) {
        this.cap = cap;
    }

    /** Holds k pairs: under a cap, the answer is exact. */
    public boolean isFull() {
        return size == k;
    }

    /**
     * The k-th distance so far, or the cap (+∞ without one) while fewer than k are held: anything farther
     * cannot enter.
     */
    public double bound() {
        return size < k ? cap : dist[k - 1];
    }

    /**
     * The k-th id so far, or {@link Long#MAX_VALUE} while fewer than k are held: a candidate at exactly
     * {@link #bound} enters only with a smaller id, and then only when the heap is full.
     */
    public long boundId() {
        return size < k ? Long.MAX_VALUE : ids[k - 1];
    }

    /** Offers a candidate whose id is not held yet (every engine but the seeded cover-tree search). */
    public void offer(double d, long id) {
        if (d > cap || size == k && !better(d, id, dist[k - 1], ids[k - 1])) {
            return;
        }
        insert(d, id);
    }

    /** Offers a candidate that may be held already: the cover tree's seeds meet the descent again. */
    public void offerUnique(double d, long id) {
        if (d > cap || size == k && !better(d, id, dist[k - 1], ids[k - 1])) {
            return;
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return;
            }
        }
        insert(d, id);
    }

    /**
     * Inserts at its sorted place, dropping the last when full: walks down from the end, shifting as it
     * goes. Most candidates that get in land near the end (they just beat the k-th), so this moves few
     * entries and mispredicts one branch, where a binary search mispredicts about half of its log k.
     */
    private void insert(double d, long id) {
        int i = size == k ? k - 1 : size;
        while (i > 0 && better(d, id, dist[i - 1], ids[i - 1])) {
            dist[i] = dist[i - 1];
            ids[i] = ids[i - 1];
            i--;
        }
        dist[i] = d;
        ids[i] = id;
        if (size < k) {
            size++;
        }
    }

    /** (d1, id1) comes before (d2, id2): smaller distance, or the same distance and a smaller id. */
    private static boolean better(double d1, long id1, double d2, long id2) {
        return d1 < d2 || (d1 == d2 && id1 < id2);
    }

    /**
     * Writes the held pairs sorted by (distance, id) into row {@code row} of the outputs, padding with
     * −1 / +∞ up to k, and empties the heap.
     */
    public void drainTo(MemorySegment indices, MemorySegment distances, long row) {
        long base = row * k;
        // the slots past the held pairs are the padding already (see clear)
        MemorySegment.copy(ids, 0, indices, ValueLayout.JAVA_LONG, base * 8, k);
        MemorySegment.copy(dist, 0, distances, ValueLayout.JAVA_DOUBLE, base * 8, k);
        clear();
    }
}
