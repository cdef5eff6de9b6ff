package dev.covertree.spark;

import dev.covertree.engine.Matrix;
import java.util.Arrays;

/**
 * Puts query points in the order of a Z-order (Morton) curve over their coordinates, so that consecutive
 * queries are near each other: a tree search then finds its nodes and records where the previous query
 * left them (queries taken in id order wander over the whole index, and at N = 2^20 mostly wait for
 * memory). Only the order changes; each query's answer does not depend on it.
 */
final class ZOrder {
    private ZOrder() {
    }

    /** The permutation of rows {@code 0 … rows−1} of {@code coords} along the curve (ties by row). */
    static int[] of(Matrix coords) {
        int n = (int) coords.rows();
        int d = (int) Math.min(coords.cols(), 63);
        int bits = Math.max(1, Math.min(31, 63 / d));
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                double x = coords.get(i, k);
                lo[k] = Math.min(lo[k], x);
                hi[k] = Math.max(hi[k], x);
            }
        }
        long cells = (1L << bits) - 1;
        long[] key = new long[n];
        for (int i = 0; i < n; i++) {
            long z = 0;
            for (int k = 0; k < d; k++) {
                double span = hi[k] - lo[k];
                long c = span > 0 ? Math.min(cells, (long) ((coords.get(i, k) - lo[k]) / span * cells)) : 0;
                for (int b = 0; b < bits; b++) {
                    z |= ((c >>> b) & 1L) << (b * d + k);
                }
            }
            key[i] = z;
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> key[a] != key[b] ? Long.compareUnsigned(key[a], key[b]) : Integer.compare(a, b));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }
}
