package dev.covertree.engine.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.TestData;
import dev.covertree.engine.bounds.BoundsTree;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class EnginePlanTest {

    /**
     * Prefix trees for a predecessor search: always for the Euclidean metric; for the residual metric only from
     * the size where they pay, and only where the tree leaves room (a quarter of the memory available).
     */
    @Test
    void residualPrefixTreesNeedSizeAndRoomAndEuclideanOnesNeither() {
        try (Arena arena = Arena.ofShared();
             Dataset residual = TestData.residual(arena, TestData.normal(2000, 2, 5), Kernel.of(KernelType.MATERN32, 1.0, 0.5),
                     10, NpyDType.F4);
             Dataset euclid = Dataset.euclidean(TestData.matrix(arena, "x", TestData.normal(2000, 2, 6), NpyDType.F8));
             BoundsTree r = BoundsTree.build(residual, 2, ScratchSpace.auto());
             BoundsTree e = BoundsTree.build(euclid, 2, ScratchSpace.auto())) {
            long room = 4 * r.byteSize();
            assertTrue(EnginePlan.wantsPrefixes(r, 2000, () -> room), "large enough, with room");
            assertFalse(EnginePlan.wantsPrefixes(r, 2001, () -> room), "below the size where they pay");
            assertFalse(EnginePlan.wantsPrefixes(r, 2000, () -> room - 4), "the tree would take more than a quarter");
            assertTrue(EnginePlan.wantsPrefixes(e, Long.MAX_VALUE, () -> 0), "Euclidean: always");
        }
    }

    @Test
    void autoOnASmallResidualJobTakesTheBruteForceWithoutBuildingATree() {
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, TestData.normal(500, 2, 3), Kernel.of(KernelType.RBF, 1.0, 1.0), 10,
                     NpyDType.F8);
             EnginePlan plan = EnginePlan.of(Metric.of(data), QuerySet.allPoints(500), KnnOptions.of(5),
                     ScratchSpace.auto())) {
            assertEquals(Engine.BRUTE, plan.engine());
            assertNull(plan.tree());
            assertTrue(plan.reason().contains("below"), plan.reason());
        }
    }

    @Test
    void autoOnLowDimensionalEuclideanBuildsTheBoundsTreeAndExplicitEnginesAreKept() {
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", TestData.normal(300, 3, 4), NpyDType.F8));
             EnginePlan auto = EnginePlan.of(Metric.of(data), QuerySet.allPoints(300), KnnOptions.of(5), ScratchSpace.auto());
             EnginePlan scan = EnginePlan.of(Metric.of(data), QuerySet.allPoints(300),
                     KnnOptions.of(5).withEngine(Engine.SCAN), ScratchSpace.auto())) {
            assertEquals(Engine.BOUNDS, auto.engine());
            assertNotNull(auto.boundsTree());
            assertEquals(Engine.SCAN, scan.engine());
            assertNull(scan.tree());
        }
    }

    @Test
    void autoThatMeasuresReportsBothTimesAndWhicheverItPicksAnswersExactly() {
        int n = 6000;
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, TestData.normal(n, 2, 5), Kernel.of(KernelType.RBF, 1.0, 1.0), 12,
                     NpyDType.F4);
             EnginePlan plan = EnginePlan.of(Metric.of(data), QuerySet.allPoints(n), KnnOptions.of(8).withPredecessor(true),
                     ScratchSpace.auto(), null, 1000, 1000, 1000)) {
            assertTrue(plan.reason().contains("sampled queries took"), plan.reason());
            assertTrue(plan.reason().contains("with the bounds tree"), plan.reason());
            assertEquals(plan.engine() == Engine.TREE, plan.tree() != null);
            assertEquals(plan.engine() == Engine.BOUNDS, plan.boundsTree() != null);
            KnnOptions o = KnnOptions.of(8).withPredecessor(true);
            try (KnnResult want = Knn.search(Metric.of(data), QuerySet.allPoints(n), o.withEngine(Engine.SCAN));
                 KnnResult got = Knn.search(Metric.of(data), QuerySet.allPoints(n), o, plan)) {
                ExactnessTest.assertIdentical(want, got, "auto (" + plan.engine() + ")");
            }
        }
    }

    @Test
    void autoSkipsTimingTheBoundsTreeWhereItsProbePrunesNothing() {
        int n = 3000;
        // ill-conditioned: many inducing points for the data, p near the jitter, so no bound prunes
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, TestData.normal(n, 3, 6), Kernel.of(KernelType.RBF, 1.0, 1.0), 200,
                     NpyDType.F4);
             EnginePlan plan = EnginePlan.of(Metric.of(data), QuerySet.allPoints(n), KnnOptions.of(10).withPredecessor(true),
                     ScratchSpace.auto(), null, 1 << 20, 1000, 1000)) {
            assertEquals(Engine.BRUTE, plan.engine());
            assertTrue(plan.reason().contains("probe queries; the brute force below"), plan.reason());
        }
    }

    @Test
    void autoTakesTheBoundsTreeWithoutTimingWhereItsProbePrunesAlmostEverything() {
        int n = 20000;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        double[][] x = new double[n][2];
        for (double[] row : x) {
            row[0] = 60 * rnd.nextDouble();
            row[1] = 60 * rnd.nextDouble();
        }
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, x, Kernel.of(KernelType.MATERN32, 1.0, 0.5), 30, NpyDType.F4);
             EnginePlan plan = EnginePlan.of(Metric.of(data), QuerySet.allPoints(n), KnnOptions.of(10).withPredecessor(true),
                     ScratchSpace.auto(), null, 1 << 20, 1000, 1000)) {
            assertEquals(Engine.BOUNDS, plan.engine());
            assertTrue(plan.reason().contains("the bounds tree without timing"), plan.reason());
        }
    }
}
