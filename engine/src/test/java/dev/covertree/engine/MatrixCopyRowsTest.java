package dev.covertree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * {@link Matrix#copyRows}, the bulk copy the passes that run once per process use instead of element reads: every
 * element equal to {@link Matrix#get} (float32 widened exactly), for runs of rows at any start, including runs
 * larger than the staging array the thread used before.
 */
class MatrixCopyRowsTest {

    @Test
    void copiedRowsAreTheElementsAsGetReadsThem() {
        for (NpyDType dtype : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
            for (int cols : new int[] {1, 2, 3, 7, 128}) {
                try (Arena arena = Arena.ofConfined()) {
                    Matrix a = TestData.matrix(arena, "a", TestData.normal(300, cols, 17L * cols), dtype);
                    // growing runs: the per-thread float32 staging array grows between them
                    for (int[] run : new int[][] {{0, 1}, {5, 3}, {0, 300}, {299, 1}, {100, 150}, {7, 64}}) {
                        double[] dst = new double[run[1] * cols + 5];
                        a.copyRows(run[0], run[1], dst);
                        for (int i = 0; i < run[1]; i++) {
                            for (int j = 0; j < cols; j++) {
                                assertEquals(a.get(run[0] + i, j), dst[i * cols + j], 0.0,
                                        dtype + " cols=" + cols + " run " + run[0] + "+" + run[1] + " row " + i + " col " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theLargestMagnitudeIsFoundInEveryChunk() {
        try (Arena arena = Arena.ofConfined()) {
            // more elements than one staged chunk, the largest in the last, partial one
            double[][] rows = TestData.normal(Matrix.STAGED_ELEMENTS / 3 + 50, 3, 5);
            rows[rows.length - 1][2] = -1e6;
            for (NpyDType dtype : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                assertEquals(1e6, TestData.matrix(arena, "x", rows, dtype).maxAbs(), 0.0, dtype.toString());
            }
        }
    }
}
