package dev.covertree.engine.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.TestData;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * Copies of one point: every distance is 0, so every node bound equals every k-th distance, and only the
 * tie rule (the smaller id) decides. The Euclidean all-points search must not compare every pair for it.
 */
class RepeatedPointsTest {
    private static final int N = 20_000;
    private static final int K = 5;

    @Test
    void copiesOfOnePointTakeTheSmallestIdsWithoutComparingEveryPair() {
        double[][] x = new double[N][];
        for (int i = 0; i < N; i++) {
            x[i] = new double[] {1.5, -2.0};
        }
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", x, NpyDType.F8))) {
            Metric metric = Metric.of(data);
            for (boolean predecessor : new boolean[] {false, true}) {
                KnnOptions o = KnnOptions.of(K).withPredecessor(predecessor).withEngine(Engine.BOUNDS).withThreads(2);
                try (KnnResult r = Knn.search(metric, QuerySet.allPoints(N), o)) {
                    for (int q = 0; q < N; q++) {
                        int expected = 0;
                        for (int j = 0; j < K; j++) {
                            // the smallest ids but the query's own (and, in predecessor mode, only earlier ones)
                            expected += expected == q ? 1 : 0;
                            long want = predecessor && expected >= q ? -1 : expected;
                            assertEquals(want, r.index(q, j), "query " + q + " neighbour " + j + " predecessor " + predecessor);
                            expected++;
                        }
                    }
                    // before the tie rule pruned, every pair was compared: N^2 / 2 in predecessor mode, N^2 otherwise
                    assertTrue(r.distanceEvaluations() < 1000L * N, r.distanceEvaluations() + " distances");
                }
            }
        }
    }
}
