package dev.covertree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DatasetValidationTest {
    private static final Kernel RBF = Kernel.of(KernelType.RBF, 1, 1);

    private static void fails(String expected, Executable e) {
        InvalidInputException x = assertThrows(InvalidInputException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
    }

    @Test
    void badInputsAreNamedWithTheProblem() {
        try (Arena a = Arena.ofConfined()) {
            double[][] x = TestData.normal(5, 2, 1);
            Matrix coords = TestData.matrix(a, "coords.npy", x, NpyDType.F8);
            Matrix v = TestData.matrix(a, "v.npy", TestData.normal(5, 3, 2), NpyDType.F4);
            Matrix p = TestData.vector(a, "p.npy", new double[] {1, 1, 1, 1, 1});
            fails("v.npy: has 4 rows but coords.npy has 5", () -> Dataset.residual(coords,
                    TestData.matrix(a, "v.npy", TestData.normal(4, 3, 2), NpyDType.F4), p, RBF));
            fails("p.npy: expected shape (5,)", () -> Dataset.residual(coords, v,
                    TestData.vector(a, "p.npy", new double[] {1, 1}), RBF));
            fails("p.npy: p[3] = 0.0", () -> Dataset.residual(coords, v,
                    TestData.vector(a, "p.npy", new double[] {1, 1, 1, 0, 1}), RBF));
            x[2][1] = Double.NaN;
            fails("coords.npy: NaN at index (2, 1)", () -> Dataset.euclidean(TestData.matrix(a, "coords.npy", x, NpyDType.F8)));
            fails("p.npy: Infinity at index 4", () -> Dataset.residual(coords, v,
                    TestData.vector(a, "p.npy", new double[] {1, 1, 1, 1, Double.POSITIVE_INFINITY}), RBF));
            fails("2 lengthscales but the coordinates have 3", () -> Dataset.residual(
                    TestData.matrix(a, "c", TestData.normal(5, 3, 1), NpyDType.F8), v, p,
                    new Kernel(KernelType.RBF, 1, new double[] {1, 2})));
            fails("no points", () -> Dataset.euclidean(TestData.matrix(a, "empty.npy", new double[0][], NpyDType.F8)));
            fails("ids.npy: id 5 at position 1", () -> QuerySet.ids(new long[] {0, 5}, 5, "ids.npy"));
            fails("ids.npy: id -1 at position 0", () -> QuerySet.ids(new long[] {-1}, 5, "ids.npy"));
        }
    }

    @Test
    void badOptionsAndKernelsAreRefused() {
        fails("k must be >= 1, got 0", () -> KnnOptions.of(0));
        fails("threads must be >= 1", () -> KnnOptions.of(3).withThreads(0));
        fails("variance must be finite and > 0", () -> Kernel.of(KernelType.RBF, -1, 1));
        fails("lengthscale must be finite and > 0, got 0.0", () -> Kernel.of(KernelType.RBF, 1, 0));
        fails("lengthscale must be finite and > 0, got NaN", () -> Kernel.of(KernelType.RBF, 1, Double.NaN));
    }

    @Test
    void memoryOfAConfinedArenaIsAClearErrorForAParallelSearchAndFineForOneThread() {
        try (Arena a = Arena.ofConfined();
             Dataset data = Dataset.euclidean(TestData.matrix(a, "x.npy", TestData.normal(10, 2, 1), NpyDType.F8))) {
            fails("x.npy: its memory belongs to a confined arena", () -> Knn.search(Metric.of(data),
                    QuerySet.allPoints(10), KnnOptions.of(2).withThreads(2).withEngine(Engine.BRUTE)));
            fails("x.npy: its memory belongs to a confined arena", () -> CoverTree.build(data, 1));
            try (KnnResult r = Knn.search(Metric.of(data), QuerySet.allPoints(10), KnnOptions.of(2).withThreads(1)
                    .withEngine(Engine.BRUTE))) {
                assertEquals(10, r.queries());
            }
        }
    }

    @Test
    void predecessorModeNeedsQueriesById() {
        try (Arena a = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(a, "x", TestData.normal(10, 2, 1), NpyDType.F8));
             Dataset q = Dataset.euclidean(TestData.matrix(a, "q", TestData.normal(3, 2, 2), NpyDType.F8))) {
            fails("predecessor mode needs queries by id", () -> Knn.search(Metric.of(data, q), QuerySet.external(3),
                    KnnOptions.of(2).withPredecessor(true)));
            try (KnnResult r = Knn.search(Metric.of(data, q), QuerySet.external(3), KnnOptions.of(2))) {
                assertEquals(3, r.queries());
            }
        }
    }

    @Test
    void theKernelsFollowTheSpecFormulas() {
        double s2 = 0.7;
        double r = Math.sqrt(s2);
        assertEquals(2 * Math.exp(-s2 / 2), Kernel.of(KernelType.RBF, 2, 1).value(s2), 1e-15);
        assertEquals(2 * Math.exp(-r), Kernel.of(KernelType.MATERN12, 2, 1).value(s2), 1e-15);
        double a3 = Math.sqrt(3) * r;
        assertEquals(2 * (1 + a3) * Math.exp(-a3), Kernel.of(KernelType.MATERN32, 2, 1).value(s2), 1e-15);
        double a5 = Math.sqrt(5) * r;
        assertEquals(2 * (1 + a5 + a5 * a5 / 3) * Math.exp(-a5), Kernel.of(KernelType.MATERN52, 2, 1).value(s2), 1e-15);
    }
}
