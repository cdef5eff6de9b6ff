package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NumPy float64 reference answers (../shared/reference), compared by SPEC section 6's rule: reading
 * .npy files (including the Fortran-order V), the metric, and every engine, end to end.
 */
class ReferenceAnswersTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"gold-4k, BRUTE", "gold-4k, TREE", "gold-4k, BOUNDS", "gold-4k, SCAN", "local-4k, BRUTE", "local-4k, TREE",
            "local-4k, BOUNDS", "spatial-8k, BRUTE", "spatial-8k, TREE", "spatial-8k, BOUNDS", "spatial-8k, AUTO"})
    void queriesByIdAndPredecessorRowsMatchTheReference(String name, Engine engine) throws Exception {
        Path dir = Reference.dir(name);
        String json = Reference.json(dir);
        Kernel kernel = Kernel.of(KernelType.valueOf(Reference.string(json, "kernel").toUpperCase(java.util.Locale.ROOT)), Reference.number(json, "variance"),
                Reference.number(json, "lengthscale"));
        int k = (int) Reference.number(json, "k");
        try (NpyArray x = Npy.open(dir.resolve("coords.npy"));
             NpyArray v = Npy.open(dir.resolve("v.npy"));
             NpyArray p = Npy.open(dir.resolve("p.npy"));
             NpyArray qIds = Npy.open(dir.resolve("q_ids.npy"));
             NpyArray qIdx = Npy.open(dir.resolve("q_idx.npy"));
             NpyArray qDist = Npy.open(dir.resolve("q_dist.npy"));
             NpyArray predIdx = Npy.open(dir.resolve("pred_idx.npy"));
             NpyArray predDist = Npy.open(dir.resolve("pred_dist.npy"));
             Dataset data = Dataset.residual(Matrix.of("coords.npy", x), Matrix.of("v.npy", v), Matrix.of("p.npy", p), kernel)) {
            long[] ids = new long[(int) qIds.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = qIds.getLong(i);
            }
            KnnOptions opt = KnnOptions.of(k).withEngine(engine);
            try (KnnResult r = dev.covertree.engine.knn.Knn.search(Metric.of(data), QuerySet.ids(ids, data.size(), "q_ids"), opt)) {
                assertNull(SpecAgreement.compare(qIdx, qDist, r, Tolerance.relative(name), Tolerance.onRho(name)), name + " query ids, " + engine);
            }
            try (KnnResult r = dev.covertree.engine.knn.Knn.search(Metric.of(data), QuerySet.allPoints(data.size()),
                    opt.withPredecessor(true))) {
                assertNull(SpecAgreement.compare(predIdx, predDist, r, Tolerance.relative(name), Tolerance.onRho(name)), name + " predecessor, " + engine);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"gold-4k, TREE", "gold-4k, BOUNDS", "gold-4k, BRUTE", "spatial-8k, TREE", "spatial-8k, BOUNDS",
            "spatial-8k, AUTO"})
    void euclideanAllPointsMatchTheReference(String name, Engine engine) throws Exception {
        Path dir = Reference.dir(name);
        try (NpyArray x = Npy.open(dir.resolve("coords.npy"));
             NpyArray idx = Npy.open(dir.resolve("eu_idx.npy"));
             NpyArray dist = Npy.open(dir.resolve("eu_dist.npy"));
             Dataset data = Dataset.euclidean(Matrix.of("coords.npy", x));
             KnnResult r = dev.covertree.engine.knn.Knn.search(Metric.of(data), QuerySet.allPoints(data.size()),
                     KnnOptions.of((int) idx.dim(1)).withEngine(engine))) {
            assertNull(SpecAgreement.compare(idx, dist, r, 1e-9, 0), name + " euclidean, " + engine);
        }
    }
}
