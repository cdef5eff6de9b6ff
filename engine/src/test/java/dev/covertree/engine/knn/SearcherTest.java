package dev.covertree.engine.knn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.TestData;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearcherTest {
    private static void assertSameAnswer(KnnResult want, KnnResult got) {
        assertEquals(want.queries(), got.queries());
        for (long q = 0; q < want.queries(); q++) {
            for (int j = 0; j < want.k(); j++) {
                assertEquals(want.index(q, j), got.index(q, j), "row " + q);
                assertEquals(want.distance(q, j), got.distance(q, j), "row " + q);
            }
        }
    }

    @Test
    void oneSearcherAnswersManyBatchesAsFreshSearchesDo() {
        int n = 3000;
        SplittableRandom rnd = new SplittableRandom(9);
        for (boolean residual : new boolean[] {false, true}) {
            try (Arena arena = Arena.ofShared();
                 Dataset data = residual
                         ? TestData.residual(arena, TestData.normal(n, 2, 3), Kernel.of(KernelType.MATERN32, 1.0, 0.3), 16, NpyDType.F4)
                         : Dataset.euclidean(TestData.matrix(arena, "x", TestData.normal(n, 3, 4), NpyDType.F8));
                 Searcher s = Searcher.of(data, KnnOptions.of(6).withEngine(residual ? Engine.BOUNDS : Engine.AUTO))) {
                for (int batch = 0; batch < 4; batch++) {
                    long[] ids = rnd.longs(200, 0, n).toArray();
                    QuerySet qs = QuerySet.ids(ids, n, "batch");
                    try (KnnResult fresh = Knn.search(Metric.of(data), qs, KnnOptions.of(6).withEngine(Engine.SCAN));
                         KnnResult kept = s.search(qs)) {
                        assertSameAnswer(fresh, kept);
                    }
                }
                if (!residual) {
                    Dataset q = Dataset.euclidean(TestData.matrix(arena, "q", TestData.normal(50, 3, 5), NpyDType.F8));
                    try (KnnResult fresh = Knn.search(Metric.of(data, q), QuerySet.external(50), KnnOptions.of(6).withEngine(Engine.SCAN));
                         KnnResult kept = s.search(q)) {
                        assertSameAnswer(fresh, kept);
                    }
                }
                assertEquals(Engine.BOUNDS, s.engine(), s.reason());
            }
        }
    }
}
