package dev.covertree.engine.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void keepsTheKSmallestByDistanceThenIdAndPadsMissingEntries() {
        keepsTheKSmallest(true);
        keepsTheKSmallest(false);
    }

    /** With {@code twice}, every candidate is offered twice through {@link TopK#offerUnique}; else once through offer. */
    private static void keepsTheKSmallest(boolean twice) {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + rnd.nextInt(20);
            int n = rnd.nextInt(40);
            double[][] cand = new double[n][];
            TopK heap = new TopK(k);
            for (int i = 0; i < n; i++) {
                double d = rnd.nextInt(6) / 4.0; // many ties
                cand[i] = new double[] {d, i};
            }
            if (twice) {
                // offer in random order, some twice
                for (int i = 0; i < n; i++) {
                    int j = rnd.nextInt(n);
                    heap.offerUnique(cand[j][0], (long) cand[j][1]);
                    heap.offerUnique(cand[i][0], (long) cand[i][1]);
                }
            } else {
                int[] perm = rnd.ints(0, 1 << 30).limit(n).toArray();
                Integer[] idx = new Integer[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = i;
                }
                Arrays.sort(idx, Comparator.comparingInt(i -> perm[i]));
                for (int i : idx) {
                    heap.offer(cand[i][0], (long) cand[i][1]);
                }
            }
            Arrays.sort(cand, Comparator.<double[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[1]));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment idx = arena.allocate(8L * k);
                MemorySegment dist = arena.allocate(8L * k);
                heap.drainTo(idx, dist, 0);
                for (int i = 0; i < k; i++) {
                    long id = idx.getAtIndex(ValueLayout.JAVA_LONG, i);
                    double d = dist.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                    if (i < n) {
                        assertEquals((long) cand[i][1], id, "trial " + trial + " rank " + i);
                        assertEquals(cand[i][0], d);
                    } else {
                        assertEquals(-1, id);
                        assertEquals(Double.POSITIVE_INFINITY, d);
                    }
                }
            }
        }
    }

    @Test
    void aReusedTopKPadsEachRowWhateverTheRowsBeforeHeld() {
        SplittableRandom rnd = new SplittableRandom(8);
        int k = 7;
        TopK heap = new TopK(k);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment idx = arena.allocate(8L * k);
            MemorySegment dist = arena.allocate(8L * k);
            for (int row = 0; row < 300; row++) {
                // rows of 0 to 2k candidates, in random order, some emptied by clear() before and after
                int n = rnd.nextInt(2 * k + 1);
                if (rnd.nextBoolean()) {
                    heap.clear();
                }
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = rnd.nextDouble();
                    heap.offer(d[i], i);
                }
                double[] sorted = d.clone();
                Arrays.sort(sorted);
                heap.drainTo(idx, dist, 0);
                for (int i = 0; i < k; i++) {
                    if (i < n) {
                        assertEquals(sorted[i], dist.getAtIndex(ValueLayout.JAVA_DOUBLE, i), "row " + row + " rank " + i);
                    } else {
                        assertEquals(-1, idx.getAtIndex(ValueLayout.JAVA_LONG, i), "row " + row + " rank " + i);
                        assertEquals(Double.POSITIVE_INFINITY, dist.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
                    }
                }
            }
        }
    }
}
