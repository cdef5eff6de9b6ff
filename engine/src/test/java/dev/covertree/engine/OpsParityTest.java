package dev.covertree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpsParityTest {
    private static final VectorOps SCALAR = new ScalarOps();
    private static final VectorOps VECTOR = new PanamaOps();

    private static double[][] rows(int r, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[r][n];
        for (double[] row : x) {
            for (int i = 0; i < n; i++) {
                row[i] = rnd.nextDouble(-1, 1);
            }
        }
        return x;
    }

    private static void close(double expected, double actual, double scale, String what) {
        assertEquals(expected, actual, 1e-13 * Math.max(1, scale), what);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 199, 200, 257, 511, 512, 515})
    void vectorKernelsMatchTheScalarReferenceOnOddSizes(int n) {
        for (NpyDType t : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
            boolean f4 = t == NpyDType.F4;
            try (Arena arena = Arena.ofConfined()) {
                Matrix a = TestData.matrix(arena, "a", rows(6, n, n), t);
                long o0 = a.rowOffset(0);
                long o1 = a.rowOffset(1);
                close(SCALAR.dot(a.segment(), o0, a.segment(), o1, n, f4), VECTOR.dot(a.segment(), o0, a.segment(), o1, n, f4),
                        n, "dot " + t + " n=" + n);
                close(SCALAR.squaredDistance(a.segment(), o0, a.segment(), o1, n, f4),
                        VECTOR.squaredDistance(a.segment(), o0, a.segment(), o1, n, f4), n, "sqdist " + t + " n=" + n);
                double[] packed = new double[4 * n];
                for (int r = 0; r < 4; r++) {
                    for (int i = 0; i < n; i++) {
                        packed[r * n + i] = a.get(2 + r, i);
                    }
                }
                double[] s = new double[8];
                double[] v = new double[8];
                SCALAR.dot4x2(packed, 0, n, a.segment(), o0, o1, f4, s);
                VECTOR.dot4x2(packed, 0, n, a.segment(), o0, o1, f4, v);
                for (int i = 0; i < 8; i++) {
                    close(s[i], v[i], n, "dot4x2[" + i + "] " + t + " n=" + n);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 13, 64, 300})
    void theBlockedProductIsBitIdenticalToThePerPairDot(int n) {
        for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
            try (Arena arena = Arena.ofConfined()) {
                Matrix a = TestData.matrix(arena, "a", rows(6, n, 7 * n), NpyDType.F4);
                Matrix q = TestData.matrix(arena, "q", rows(4, n, 11 * n), NpyDType.F8);
                double[] packed = new double[4 * n];
                for (int r = 0; r < 4; r++) {
                    for (int i = 0; i < n; i++) {
                        packed[r * n + i] = (float) q.get(r, i);
                    }
                }
                Matrix qf = TestData.matrix(arena, "qf", rows(4, n, 11 * n), NpyDType.F4);
                double[] out = new double[8];
                ops.dot4x2(packed, 0, n, a.segment(), a.rowOffset(0), a.rowOffset(1), true, out);
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 2; c++) {
                        double single = ops.dot(qf.segment(), qf.rowOffset(r), a.segment(), a.rowOffset(c), n, true);
                        assertEquals(single, out[2 * r + c], 0.0, ops.name() + " n=" + n + " (" + r + "," + c + ")");
                    }
                }
            }
        }
    }
}
