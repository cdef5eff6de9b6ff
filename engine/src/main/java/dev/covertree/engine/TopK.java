package dev.covertree.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The k best (distance, id) pairs seen so far, ordered by distance then id: a max-heap on arrays,
 * reused across queries, so offering allocates nothing.
 */
final class TopK {
    private final int k;
    private final double[] dist;
    private final long[] ids;
    private int size;

    TopK(int k) {
        this.k = k;
        this.dist = new double[k];
        this.ids = new long[k];
    }

    int capacity() {
        return k;
    }

    void clear() {
        size = 0;
    }

    /** The k-th distance so far, or +∞ while fewer than k are held: anything farther cannot enter. */
    double bound() {
        return size < k ? Double.POSITIVE_INFINITY : dist[0];
    }

    /** Offers a candidate; ids already held are ignored (a seeded search may meet a point twice). */
    void offer(double d, long id) {
        if (size == k && (d > dist[0] || (d == dist[0] && id >= ids[0]))) {
            return;
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return;
            }
        }
        if (size < k) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(d, id, dist[parent], ids[parent])) {
                    break;
                }
                dist[i] = dist[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            dist[i] = d;
            ids[i] = id;
            return;
        }
        siftDown(0, d, id, size);
    }

    private void siftDown(int i, double d, long id, int n) {
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && worse(dist[c + 1], ids[c + 1], dist[c], ids[c])) {
                c++;
            }
            if (!worse(dist[c], ids[c], d, id)) {
                break;
            }
            dist[i] = dist[c];
            ids[i] = ids[c];
            i = c;
        }
        dist[i] = d;
        ids[i] = id;
    }

    private static boolean worse(double d1, long id1, double d2, long id2) {
        return d1 > d2 || (d1 == d2 && id1 > id2);
    }

    /**
     * Writes the held pairs sorted by (distance, id) into row {@code row} of the outputs, padding with
     * −1 / +∞ up to k, and empties the heap.
     */
    void drainTo(MemorySegment indices, MemorySegment distances, long row) {
        long base = row * k;
        for (int i = size; i < k; i++) {
            indices.setAtIndex(ValueLayout.JAVA_LONG, base + i, -1L);
            distances.setAtIndex(ValueLayout.JAVA_DOUBLE, base + i, Double.POSITIVE_INFINITY);
        }
        for (int n = size; n > 0; n--) {
            indices.setAtIndex(ValueLayout.JAVA_LONG, base + n - 1, ids[0]);
            distances.setAtIndex(ValueLayout.JAVA_DOUBLE, base + n - 1, dist[0]);
            siftDown(0, dist[n - 1], ids[n - 1], n - 1);
        }
        size = 0;
    }
}
