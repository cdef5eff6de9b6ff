package dev.covertree.engine.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.TestData;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * {@link Metric#treeCoordinates}, the bulk copy the tree build starts from, gives every point's
 * {@link Metric#treeCoordinate}s: for the residual metric (lengthscale-scaled), and for the Euclidean metric at
 * ordinary and at extreme magnitude (where its coordinates are a rescaled copy), float32 and float64.
 */
class TreeCoordinatesTest {

    private static void assertSameAsOneByOne(Metric metric, int n, int d) {
        for (int[] run : new int[][] {{0, n}, {3, 10}, {n - 1, 1}}) {
            double[] dst = new double[run[1] * d];
            metric.treeCoordinates(run[0], run[1], dst);
            for (int i = 0; i < run[1]; i++) {
                for (int k = 0; k < d; k++) {
                    assertEquals(metric.treeCoordinate(run[0] + i, k), dst[i * d + k], 0.0,
                            "point " + (run[0] + i) + " coordinate " + k);
                }
            }
        }
    }

    @Test
    void residualTreeCoordinatesAreTheScaledCoordinates() {
        try (Arena arena = Arena.ofShared()) {
            double[][] x = TestData.normal(200, 2, 3);
            Dataset data = TestData.residual(arena, x, Kernel.of(KernelType.MATERN32, 1.0, 0.7), 8, NpyDType.F4);
            assertSameAsOneByOne(Metric.of(data), 200, 2);
        }
    }

    @Test
    void euclideanTreeCoordinatesAtAnyMagnitudeAndDtype() {
        for (double scale : new double[] {1.0, 1e160, 1e-160}) {
            for (NpyDType dtype : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                if (dtype == NpyDType.F4 && scale != 1.0) {
                    continue; // float32 holds no such magnitudes
                }
                try (Arena arena = Arena.ofShared()) {
                    double[][] x = TestData.normal(150, 3, 9);
                    for (double[] row : x) {
                        for (int k = 0; k < 3; k++) {
                            row[k] *= scale;
                        }
                    }
                    Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", x, dtype));
                    assertSameAsOneByOne(Metric.of(data), 150, 3);
                }
            }
        }
    }
}
