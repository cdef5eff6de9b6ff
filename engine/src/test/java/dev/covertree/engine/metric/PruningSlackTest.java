package dev.covertree.engine.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.TestData;
import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.ExactnessTest;
import dev.covertree.engine.knn.Knn;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The residual tree's pruning bound when the stored p does not match V (float32 V, caller-given p,
 * rows with ‖V_i‖² ≥ σ²): answers stay equal to the scan, and per-point slack keeps pruning where only
 * a few points are off.
 */
class PruningSlackTest {

    @Test
    void treeIsExactWhenPDisagreesWithVAndOneRowHasNoValidDiagonal() {
        int n = 900;
        double[][] x = TestData.normal(n, 3, 41);
        Kernel kernel = Kernel.of(KernelType.MATERN32, 1.0, 0.8);
        double[] p = new double[n];
        double[][] v = TestData.residualInputs(x, kernel, 40, p);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < n; i += 7) {
            p[i] *= 0.8 + 0.4 * rnd.nextDouble();
        }
        for (int j = 0; j < v[13].length; j++) {
            v[13][j] *= 3; // ‖V_13‖² > σ²: no exact correlation exists for this row
        }
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.residual(TestData.matrix(arena, "coords", x, NpyDType.F8),
                     TestData.matrix(arena, "v", v, NpyDType.F4), TestData.vector(arena, "p", p), kernel);
             CoverTree tree = CoverTree.build(data, 2)) {
            tree.validate();
            assertEquals(Double.POSITIVE_INFINITY, data.pointSlack().getAtIndex(ValueLayout.JAVA_DOUBLE, 13));
            for (KnnOptions o : new KnnOptions[] {KnnOptions.of(15), KnnOptions.of(15).withPredecessor(true)}) {
                try (KnnResult oracle = Knn.search(Metric.of(data), QuerySet.allPoints(n), o.withEngine(Engine.SCAN));
                     KnnResult r = Knn.search(Metric.of(data), QuerySet.allPoints(n), o.withEngine(Engine.TREE), EnginePlan.withTree(tree))) {
                    ExactnessTest.assertIdentical(oracle, r, "tree " + o);
                }
            }
        }
    }

    @Test
    void slackIsPerPointSoOneBadPointDoesNotBluntEveryBound() {
        int n = 4000;
        double[][] x = TestData.normal(n, 2, 42);
        Kernel kernel = Kernel.of(KernelType.RBF, 1.0, 1.0);
        double[] p = new double[n];
        double[][] v = TestData.residualInputs(x, kernel, 30, p);
        p[n - 1] *= 1.5; // one point whose p is far from σ² − ‖V‖²
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.residual(TestData.matrix(arena, "coords", x, NpyDType.F8),
                     TestData.matrix(arena, "v", v, NpyDType.F8), TestData.vector(arena, "p", p), kernel);
             CoverTree tree = CoverTree.build(data, 2)) {
            MemorySegment slack = data.pointSlack();
            assertTrue(slack.getAtIndex(ValueLayout.JAVA_DOUBLE, n - 1) > 0.1);
            assertTrue(slack.getAtIndex(ValueLayout.JAVA_DOUBLE, 0) < 1e-6);
            try (KnnResult oracle = Knn.search(Metric.of(data), QuerySet.allPoints(n), KnnOptions.of(10).withEngine(Engine.SCAN));
                 KnnResult r = Knn.search(Metric.of(data), QuerySet.allPoints(n), KnnOptions.of(10).withEngine(Engine.TREE),
                         EnginePlan.withTree(tree))) {
                ExactnessTest.assertIdentical(oracle, r, "tree");
                // a global slack of 0.2 would leave almost nothing prunable (k-th distances here are ~0.1)
                assertTrue(r.distanceEvaluations() < (long) n * n / 4,
                        "tree computed " + r.distanceEvaluations() / n + " distances per query of " + n);
            }
        }
    }
}
