package dev.covertree.engine.order;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.engine.Matrix;
import dev.covertree.engine.TestData;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaxMinOrderingTest {
    /** The definition, O(N²): from the point nearest the box's centre, each next the farthest from all chosen (ties: smaller id). */
    private static long[] straightforward(double[][] x, double[] ls) {
        int n = x.length;
        int d = x[0].length;
        double[][] s = new double[n][d];
        double[] lo = new double[d];
        double[] hi = new double[d];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                s[i][k] = x[i][k] / ls[ls.length == 1 ? 0 : k];
                lo[k] = Math.min(lo[k], s[i][k]);
                hi[k] = Math.max(hi[k], s[i][k]);
            }
        }
        int first = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double q = 0;
            for (int k = 0; k < d; k++) {
                double t = s[i][k] - (lo[k] + hi[k]) / 2;
                q += t * t;
            }
            if (q < best) {
                best = q;
                first = i;
            }
        }
        long[] order = new long[n];
        boolean[] chosen = new boolean[n];
        double[] dmin = new double[n];
        java.util.Arrays.fill(dmin, Double.POSITIVE_INFINITY);
        int c = first;
        for (int t = 0; t < n; t++) {
            order[t] = c;
            chosen[c] = true;
            int next = -1;
            for (int j = 0; j < n; j++) {
                if (chosen[j]) {
                    continue;
                }
                double q = 0;
                for (int k = 0; k < d; k++) {
                    double u = s[c][k] - s[j][k];
                    q += u * u;
                }
                dmin[j] = Math.min(dmin[j], q);
                if (next < 0 || dmin[j] > dmin[next]) {
                    next = j;
                }
            }
            c = next;
        }
        return order;
    }

    @Test
    void maxMinOnTheBoundsTreeEqualsTheStraightforwardOrdering() {
        SplittableRandom rnd = new SplittableRandom(26);
        for (int trial = 0; trial < 12; trial++) {
            int n = 1 + rnd.nextInt(1500);
            int d = 1 + rnd.nextInt(3);
            boolean grid = trial % 3 == 0; // duplicates and equal distances
            double[][] x = new double[n][d];
            for (double[] row : x) {
                for (int k = 0; k < d; k++) {
                    row[k] = grid ? rnd.nextInt(8) : rnd.nextDouble(-5, 5) * Math.pow(10, trial % 4 - 1);
                }
            }
            double[] ls = trial % 2 == 0 ? new double[] {0.7} : rnd.doubles(d, 0.3, 3).toArray();
            try (Arena arena = Arena.ofShared()) {
                Matrix m = TestData.matrix(arena, "x", x, NpyDType.F8);
                assertArrayEquals(straightforward(x, ls), Ordering.maxMin(m, ls), "trial " + trial + ", n = " + n + ", d = " + d);
            }
        }
    }

    /** Large enough that the tree is built by parallel tasks, with many equal distances (points on a grid). */
    @Test
    void maxMinIsTheSameOnEveryThreadCountAndEqualsTheStraightforwardOrdering() {
        SplittableRandom rnd = new SplittableRandom(32);
        double[][] x = new double[20_000][2];
        for (double[] row : x) {
            row[0] = rnd.nextInt(300);
            row[1] = rnd.nextInt(300) * 0.5;
        }
        double[] ls = {1.5};
        try (Arena arena = Arena.ofShared()) {
            Matrix m = TestData.matrix(arena, "x", x, NpyDType.F8);
            long[] expected = straightforward(x, ls);
            assertArrayEquals(expected, Ordering.maxMin(m, ls, 1, null), "1 thread");
            assertArrayEquals(expected, Ordering.maxMin(m, ls, 3, null), "3 threads");
        }
    }

    /** Most steps of data with repeated points have distance 0 to the chosen set: ties throughout, by id. */
    @Test
    void repeatedPointsAreOrderedAsTheDefinitionSays() {
        SplittableRandom rnd = new SplittableRandom(7);
        double[][] sites = {{0, 0}, {1, 0}, {0, 1}, {3, 3}, {-2, 5}, {0.5, 0.25}, {10, -1}};
        double[][] x = new double[4000][];
        for (int i = 0; i < x.length; i++) {
            x[i] = sites[rnd.nextInt(sites.length)].clone();
        }
        double[] ls = {1};
        try (Arena arena = Arena.ofShared()) {
            assertArrayEquals(straightforward(x, ls), Ordering.maxMin(TestData.matrix(arena, "x", x, NpyDType.F8), ls, 2, null));
        }
    }

    @Test
    void maxMinTellsItsProgressEveryPointOnce() {
        SplittableRandom rnd = new SplittableRandom(5);
        double[][] x = new double[70_000][2];
        for (double[] row : x) {
            row[0] = rnd.nextDouble(0, 40);
            row[1] = rnd.nextDouble(0, 40);
        }
        long[] told = new long[2];
        try (Arena arena = Arena.ofShared()) {
            Matrix m = TestData.matrix(arena, "x", x, NpyDType.F8);
            long[] order = Ordering.maxMin(m, new double[] {1}, 2, t -> {
                told[0] += t;
                told[1]++;
            });
            assertArrayEquals(Ordering.maxMin(m, new double[] {1}), order);
        }
        assertEquals(x.length, told[0], "points told");
        assertEquals(2, told[1], "reports: one per 65 536 steps and the rest at the end");
    }
}
