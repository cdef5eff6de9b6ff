package dev.covertree.engine.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.TestData;
import dev.covertree.engine.bounds.BoundsTree;
import dev.covertree.engine.brute.BlockedBruteForce;
import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every engine against the one-at-a-time scan on seeded random cases. All engines compute distances with
 * bit-identical arithmetic, so the answers must be identical, ties included; every tree is validated.
 */
public class ExactnessTest {

    /** NORMAL: ~ Normal(0, I); SPATIAL: uniform on [0, 20]^d, where the residual metric saturates. */
    enum Shape { NORMAL, DUPLICATES, IDENTICAL, SPATIAL }

    static Stream<Arguments> cases() {
        return Stream.of(
                // metric, n, d, m, k, lengthscale, kernel, V dtype, shape, seed
                Arguments.of(MetricType.EUCLIDEAN, 1, 2, 0, 3, 1.0, KernelType.RBF, NpyDType.F8, Shape.NORMAL, 1L),
                Arguments.of(MetricType.EUCLIDEAN, 2, 1, 0, 1, 1.0, KernelType.RBF, NpyDType.F8, Shape.NORMAL, 2L),
                Arguments.of(MetricType.EUCLIDEAN, 500, 1, 0, 5, 1.0, KernelType.RBF, NpyDType.F4, Shape.NORMAL, 3L),
                Arguments.of(MetricType.EUCLIDEAN, 1500, 3, 0, 50, 1.0, KernelType.RBF, NpyDType.F8, Shape.NORMAL, 4L),
                Arguments.of(MetricType.EUCLIDEAN, 800, 8, 0, 7, 1.0, KernelType.RBF, NpyDType.F4, Shape.DUPLICATES, 5L),
                Arguments.of(MetricType.EUCLIDEAN, 300, 5, 0, 10, 1.0, KernelType.RBF, NpyDType.F8, Shape.IDENTICAL, 6L),
                Arguments.of(MetricType.EUCLIDEAN, 40, 2, 0, 45, 1.0, KernelType.RBF, NpyDType.F8, Shape.NORMAL, 7L),
                Arguments.of(MetricType.RESIDUAL, 1, 3, 1, 2, 1.0, KernelType.RBF, NpyDType.F8, Shape.NORMAL, 8L),
                Arguments.of(MetricType.RESIDUAL, 3, 2, 2, 1, 1.0, KernelType.MATERN12, NpyDType.F8, Shape.NORMAL, 9L),
                Arguments.of(MetricType.RESIDUAL, 700, 3, 60, 20, 0.3, KernelType.MATERN52, NpyDType.F8, Shape.NORMAL, 10L),
                Arguments.of(MetricType.RESIDUAL, 600, 3, 120, 30, 1.0, KernelType.RBF, NpyDType.F4, Shape.NORMAL, 11L),
                Arguments.of(MetricType.RESIDUAL, 500, 1, 17, 5, 0.5, KernelType.MATERN32, NpyDType.F4, Shape.NORMAL, 12L),
                Arguments.of(MetricType.RESIDUAL, 400, 8, 33, 9, 2.0, KernelType.MATERN12, NpyDType.F8, Shape.DUPLICATES, 13L),
                Arguments.of(MetricType.RESIDUAL, 200, 2, 5, 6, 1.0, KernelType.RBF, NpyDType.F8, Shape.IDENTICAL, 14L),
                // every pair ties: the BLAS brute force's candidate lists overflow and are evaluated early
                Arguments.of(MetricType.RESIDUAL, 1300, 2, 24, 10, 1.0, KernelType.RBF, NpyDType.F4, Shape.IDENTICAL, 25L),
                Arguments.of(MetricType.RESIDUAL, 500, 4, 300, 12, 1.0, KernelType.MATERN52, NpyDType.F8, Shape.NORMAL, 15L),
                Arguments.of(MetricType.RESIDUAL, 400, 3, 20, 8, 1e-3, KernelType.RBF, NpyDType.F8, Shape.NORMAL, 16L),
                Arguments.of(MetricType.RESIDUAL, 30, 2, 4, 40, 0.7, KernelType.MATERN32, NpyDType.F4, Shape.NORMAL, 17L),
                Arguments.of(MetricType.RESIDUAL, 2500, 3, 64, 25, 0.3, KernelType.MATERN52, NpyDType.F8, Shape.NORMAL, 18L),
                Arguments.of(MetricType.RESIDUAL, 3000, 2, 40, 30, 0.5, KernelType.MATERN32, NpyDType.F4, Shape.SPATIAL, 19L),
                Arguments.of(MetricType.RESIDUAL, 2000, 2, 25, 10, 0.8, KernelType.RBF, NpyDType.F8, Shape.SPATIAL, 20L),
                Arguments.of(MetricType.RESIDUAL, 1500, 1, 10, 8, 0.3, KernelType.MATERN12, NpyDType.F4, Shape.SPATIAL, 21L),
                Arguments.of(MetricType.RESIDUAL, 1200, 3, 30, 12, 1.5, KernelType.MATERN52, NpyDType.F4, Shape.SPATIAL, 22L),
                Arguments.of(MetricType.EUCLIDEAN, 3000, 2, 0, 30, 1.0, KernelType.RBF, NpyDType.F8, Shape.SPATIAL, 23L),
                Arguments.of(MetricType.EUCLIDEAN, 2000, 3, 0, 12, 1.0, KernelType.RBF, NpyDType.F4, Shape.SPATIAL, 24L),
                // many leaves of ties: the batch search's nodes at exactly the k-th distance, closed by id
                Arguments.of(MetricType.EUCLIDEAN, 2000, 2, 0, 8, 1.0, KernelType.RBF, NpyDType.F8, Shape.IDENTICAL, 26L),
                Arguments.of(MetricType.EUCLIDEAN, 3000, 2, 0, 12, 1.0, KernelType.RBF, NpyDType.F8, Shape.DUPLICATES, 27L));
    }

    @ParameterizedTest(name = "{0} n={1} d={2} m={3} k={4} l={5} {6} {7} {8}")
    @MethodSource("cases")
    void everyEngineReturnsTheBruteForceAnswer(MetricType metric, int n, int d, int m, int k, double ls, KernelType kt,
                                               NpyDType vType, Shape shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = coordinates(n, d, shape, seed, rnd);
        try (Arena arena = Arena.ofShared();
             Dataset data = dataset(arena, metric, x, kt, ls, m, vType);
             CoverTree tree = CoverTree.build(data, 2);
             BoundsTree bounds = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            tree.validate();
            bounds.validate();
            Metric dm = Metric.of(data);
            long[] ids = rnd.longs(Math.min(n, 64), 0, n).toArray();
            // ids declared neighbours (they are not: random) go through the tree engines' grouped paths
            for (QuerySet qs : new QuerySet[] {QuerySet.allPoints(n), QuerySet.ids(ids, n, "ids"),
                    QuerySet.ids(ids, n, "ids").withNeighbours()}) {
                for (KnnOptions base : new KnnOptions[] {KnnOptions.of(k), KnnOptions.of(k).withPredecessor(true),
                        KnnOptions.of(k).withIncludeSelf(true), KnnOptions.of(k).withIncludeSelf(true).withPredecessor(true)}) {
                    try (KnnResult oracle = Knn.search(dm, qs, base.withEngine(Engine.SCAN))) {
                        checkShape(oracle, qs, base, n);
                        for (Engine e : new Engine[] {Engine.TREE, Engine.BOUNDS, Engine.BRUTE}) {
                            for (int threads : new int[] {1, 3}) {
                                try (KnnResult r = Knn.search(dm, qs, base.withEngine(e).withThreads(threads),
                                        plan(e, tree, bounds, dm, qs, base))) {
                                    assertIdentical(oracle, r, e + " threads=" + threads + " " + base);
                                }
                            }
                        }
                        // the brute force without BLAS (the plan's uses OpenBLAS's dgemm where it is installed)
                        try (KnnResult r = Knn.search(dm, qs, base.withEngine(Engine.BRUTE).withThreads(2),
                                new BlockedBruteForce(null, BlockedBruteForce.BLOCK))) {
                            assertIdentical(oracle, r, "brute without BLAS " + base);
                        }
                    }
                }
            }
        }
    }

    /**
     * Points of the dataset copied out as a query dataset of their own (how the Spark job sends a segment the
     * queries of other segments): every engine, with the queries as given and declared neighbours, returns
     * the scan's answer.
     */
    @ParameterizedTest(name = "{0} n={1} d={2} m={3} k={4} l={5} {6} {7} {8}")
    @MethodSource("cases")
    void outsideQueryPointsGetTheScansAnswerFromEveryEngine(MetricType metric, int n, int d, int m, int k, double ls,
                                                           KernelType kt, NpyDType vType, Shape shape, long seed) {
        if (shape != Shape.NORMAL && shape != Shape.SPATIAL) {
            return;
        }
        double[][] x = coordinates(n, d, shape, seed, new SplittableRandom(seed));
        try (Arena arena = Arena.ofShared();
             Dataset data = dataset(arena, metric, x, kt, ls, m, vType);
             CoverTree tree = CoverTree.build(data, 2);
             BoundsTree bounds = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            long[] rows = new SplittableRandom(seed + 1).longs(Math.min(n, 48), 0, n).toArray();
            Matrix qx = copyRows(arena, data.coords(), rows);
            try (Dataset q = metric == MetricType.EUCLIDEAN ? Dataset.euclidean(qx)
                    : Dataset.residual(qx, copyRows(arena, data.v(), rows), copyRows(arena, data.p(), rows), data.kernel())) {
                Metric qm = Metric.of(data, q);
                KnnOptions o = KnnOptions.of(k);
                try (KnnResult oracle = Knn.search(qm, QuerySet.external(rows.length), o.withEngine(Engine.SCAN))) {
                    for (QuerySet qs : new QuerySet[] {QuerySet.external(rows.length),
                            QuerySet.external(rows.length).withNeighbours()}) {
                        for (Engine e : new Engine[] {Engine.TREE, Engine.BOUNDS, Engine.BRUTE}) {
                            try (KnnResult r = Knn.search(qm, qs, o.withEngine(e).withThreads(2),
                                    plan(e, tree, bounds, qm, qs, o))) {
                                assertIdentical(oracle, r, e + (qs.neighbours() ? " declared neighbours" : ""));
                            }
                        }
                    }
                }
            }
        }
    }

    /** The case's points: ~ Normal(0, I), with duplicated rows, all one point, or uniform on [0, 20]^d; {@code rnd} shapes them. */
    private static double[][] coordinates(int n, int d, Shape shape, long seed, SplittableRandom rnd) {
        double[][] x = TestData.normal(n, d, seed);
        switch (shape) {
            case NORMAL -> { }
            case DUPLICATES -> {
                for (int i = 0; i < n / 3; i++) {
                    x[rnd.nextInt(n)] = x[rnd.nextInt(n)].clone();
                }
            }
            case IDENTICAL -> {
                for (int i = 1; i < n; i++) {
                    x[i] = x[0].clone();
                }
            }
            case SPATIAL -> {
                for (double[] row : x) {
                    for (int c = 0; c < d; c++) {
                        row[c] = 20 * rnd.nextDouble();
                    }
                }
            }
        }
        return x;
    }

    private static Dataset dataset(Arena arena, MetricType metric, double[][] x, KernelType kt, double ls, int m,
                                   NpyDType vType) {
        return metric == MetricType.EUCLIDEAN ? Dataset.euclidean(TestData.matrix(arena, "coords", x, vType))
                : TestData.residual(arena, x, Kernel.of(kt, 1.3, ls), m, vType);
    }

    /** The plan engine {@code e} searches with: the case's saved trees, or the brute force's own plan. */
    private static EnginePlan plan(Engine e, CoverTree tree, BoundsTree bounds, Metric metric, QuerySet qs, KnnOptions o) {
        return e == Engine.TREE ? EnginePlan.withTree(tree) : e == Engine.BOUNDS ? EnginePlan.withTree(bounds)
                : EnginePlan.of(metric, qs, o.withEngine(e), ScratchSpace.auto());
    }

    private static Matrix copyRows(Arena arena, Matrix m, long[] rows) {
        long rowBytes = m.rowOffset(1);
        java.lang.foreign.MemorySegment s = arena.allocate(rowBytes * rows.length, 64);
        for (int i = 0; i < rows.length; i++) {
            java.lang.foreign.MemorySegment.copy(m.segment(), m.rowOffset(rows[i]), s, i * rowBytes, rowBytes);
        }
        return new Matrix(m.name() + " rows", s, m.dtype(), rows.length, m.cols());
    }

    private static void checkShape(KnnResult r, QuerySet qs, KnnOptions o, int n) {
        for (long q = 0; q < qs.size(); q++) {
            long id = qs.row(q);
            long available = o.predecessor() ? id : (o.includeSelf() ? n : n - 1);
            for (int j = 0; j < o.k(); j++) {
                if (j < available) {
                    assertTrue(r.index(q, j) >= 0, "row " + q + " entry " + j + " should be filled");
                    assertTrue(!o.predecessor() || r.index(q, j) < id, "predecessor violated");
                    assertTrue(o.includeSelf() || r.index(q, j) != id, "self returned");
                    if (j > 0) {
                        assertTrue(r.distance(q, j - 1) < r.distance(q, j) || (r.distance(q, j - 1) == r.distance(q, j)
                                && r.index(q, j - 1) < r.index(q, j)), "row " + q + " not sorted at " + j);
                    }
                } else {
                    assertEquals(-1, r.index(q, j));
                    assertEquals(Double.POSITIVE_INFINITY, r.distance(q, j));
                }
            }
        }
    }

    public static void assertIdentical(KnnResult expected, KnnResult actual, String what) {
        for (long q = 0; q < expected.queries(); q++) {
            for (int j = 0; j < expected.k(); j++) {
                if (expected.index(q, j) != actual.index(q, j) || expected.distance(q, j) != actual.distance(q, j)) {
                    long[] e = new long[expected.k()];
                    long[] a = new long[expected.k()];
                    for (int t = 0; t < e.length; t++) {
                        e[t] = expected.index(q, t);
                        a[t] = actual.index(q, t);
                    }
                    throw new AssertionError(what + ": query row " + q + " differs at " + j + "\n expected "
                            + Arrays.toString(e) + "\n actual   " + Arrays.toString(a));
                }
            }
        }
    }
}
