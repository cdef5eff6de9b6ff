package dev.covertree.engine;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Seeded random datasets for tests, with V and p made as SPEC section 4 makes them (naive, small m). */
public final class TestData {
    private TestData() {
    }

    public static Matrix matrix(Arena arena, String name, double[][] rows, NpyDType t) {
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        MemorySegment s = arena.allocate((long) r * c * t.itemSize(), 8);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                long e = (long) i * c + j;
                if (t == NpyDType.F4) {
                    s.setAtIndex(ValueLayout.JAVA_FLOAT, e, (float) rows[i][j]);
                } else {
                    s.setAtIndex(ValueLayout.JAVA_DOUBLE, e, rows[i][j]);
                }
            }
        }
        return new Matrix(name, s, t, r, c);
    }

    public static Matrix vector(Arena arena, String name, double[] v) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, v.length)).asSlice(0, 8L * v.length);
        MemorySegment.copy(v, 0, s, ValueLayout.JAVA_DOUBLE, 0, v.length);
        return new Matrix(name, s, NpyDType.F8, v.length, 1);
    }

    public static double[][] normal(int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                // Box-Muller
                double u = rnd.nextDouble();
                double w = rnd.nextDouble();
                row[k] = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w);
            }
        }
        return x;
    }

    /** V (n x m) and p for the first m points as inducing points, float64, as SPEC section 4 says. */
    public static double[][] residualInputs(double[][] x, Kernel kernel, int m, double[] pOut) {
        int n = x.length;
        int d = x[0].length;
        double[][] kuu = new double[m][m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                kuu[a][b] = k(kernel, x[a], x[b], d) + (a == b ? 1e-6 * kernel.variance() : 0);
            }
        }
        // Cholesky, lower
        double[][] l = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double s = kuu[i][j];
                for (int t = 0; t < j; t++) {
                    s -= l[i][t] * l[j][t];
                }
                l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j][j];
            }
        }
        double[][] v = new double[n][m];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int a = 0; a < m; a++) {
                double s = k(kernel, x[a], x[i], d);
                for (int t = 0; t < a; t++) {
                    s -= l[a][t] * v[i][t];
                }
                v[i][a] = s / l[a][a];
                norm += v[i][a] * v[i][a];
            }
            pOut[i] = Math.max(kernel.variance() - norm, 1e-9);
        }
        return v;
    }

    public static double k(Kernel kernel, double[] a, double[] b, int d) {
        double s2 = 0;
        for (int t = 0; t < d; t++) {
            double z = (a[t] - b[t]) / kernel.lengthscale(t);
            s2 += z * z;
        }
        return kernel.value(s2);
    }

    /** A residual dataset over {@code x}. */
    public static Dataset residual(Arena arena, double[][] x, Kernel kernel, int m, NpyDType vType) {
        double[] p = new double[x.length];
        double[][] v = residualInputs(x, kernel, m, p);
        return Dataset.residual(matrix(arena, "coords", x, NpyDType.F8), matrix(arena, "v", v, vType),
                vector(arena, "p", p), kernel);
    }
}
