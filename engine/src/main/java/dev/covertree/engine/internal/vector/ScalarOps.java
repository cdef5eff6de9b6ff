package dev.covertree.engine.internal.vector;


import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The reference implementation: plain loops with fused multiply-add, one element at a time. */
public final class ScalarOps implements VectorOps {

    private static double load(MemorySegment s, long off, long i, boolean f4) {
        return f4 ? s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 4 * i) : s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, off + 8 * i);
    }

    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc = Math.fma(load(a, aOff, i, f4), load(b, bOff, i, f4), acc);
        }
        return acc;
    }

    @Override
    public double squaredNormPlain(double[] a, int off, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc = Math.fma(a[off + i], a[off + i], acc);
        }
        return acc;
    }

    @Override
    public void dot1x4(MemorySegment a, long aOff, MemorySegment b, long b0, long b1, long b2, long b3, int n, boolean f4,
                       double[] out, int outOff) {
        out[outOff] = dot(a, aOff, b, b0, n, f4);
        out[outOff + 1] = dot(a, aOff, b, b1, n, f4);
        out[outOff + 2] = dot(a, aOff, b, b2, n, f4);
        out[outOff + 3] = dot(a, aOff, b, b3, n, f4);
    }

    @Override
    public double squaredDistance(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double d = load(a, aOff, i, f4) - load(b, bOff, i, f4);
            acc = Math.fma(d, d, acc);
        }
        return acc;
    }

    @Override
    public int distancesWithin(double[] q, int dim, MemorySegment s, long off, int stride, int count, double bound,
                               double[] dist, int[] within) {
        int c = 0;
        for (int i = 0; i < count; i++) {
            double acc = 0;
            for (int k = 0; k < dim; k++) {
                double t = q[k] - s.get(ValueLayout.JAVA_DOUBLE, off + 8L * (k * stride + i));
                acc = Math.fma(t, t, acc);
            }
            double d = Math.sqrt(acc);
            dist[i] = d;
            within[c] = i;
            c += d <= bound ? 1 : 0;
        }
        return c;
    }

    @Override
    public long boxNear(double[] x, int stride, int dim, int count, MemorySegment s, long loOff, long hiOff, double scale,
                        double[] bound) {
        long bits = 0;
        for (int i = 0; i < count; i++) {
            if (!(boxBound(x, stride, dim, i, s, loOff, hiOff, scale) > bound[i])) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    /** Point i's bound of {@link #boxNear}; also the vector implementation's tail. */
    static double boxBound(double[] x, int stride, int dim, int i, MemorySegment s, long loOff, long hiOff, double scale) {
        double s2 = 0;
        for (int k = 0; k < dim; k++) {
            double xk = x[k * stride + i];
            double t = Math.max(Math.max(s.get(ValueLayout.JAVA_DOUBLE, loOff + 8L * k) - xk,
                    xk - s.get(ValueLayout.JAVA_DOUBLE, hiOff + 8L * k)), 0);
            s2 = Math.fma(t, t, s2);
        }
        return Math.sqrt(s2 * scale);
    }

    @Override
    public void wideNearFar(MemorySegment s, long off, int dim, double[] x, double[] near, double[] far) {
        for (int l = 0; l < WIDE_LANES; l++) {
            double near2 = 0;
            double far2 = 0;
            for (int k = 0; k < dim; k++) {
                double lo = s.get(ValueLayout.JAVA_DOUBLE, off + 8L * (2 * WIDE_LANES * k + l));
                double hi = s.get(ValueLayout.JAVA_DOUBLE, off + 8L * (2 * WIDE_LANES * k + WIDE_LANES + l));
                double t = Math.max(Math.max(lo - x[k], x[k] - hi), 0);
                near2 = Math.fma(t, t, near2);
                double f = Math.max(Math.abs(x[k] - lo), Math.abs(x[k] - hi));
                far2 = Math.fma(f, f, far2);
            }
            near[l] = near2;
            far[l] = far2;
        }
    }

    @Override
    public void wideIntervals(MemorySegment s, long off, long stride, int[] cols, int count, double[] q, double[] lo, double[] hi,
                              double[] abs) {
        for (int l = 0; l < WIDE_LANES; l++) {
            double sl = 0;
            double sh = 0;
            double sa = 0;
            for (int i = 0; i < count; i++) {
                int u = cols[i];
                long at = off + stride * u + 4L * l;
                double a = q[u] * s.get(ValueLayout.JAVA_FLOAT, at);
                double b = q[u] * s.get(ValueLayout.JAVA_FLOAT, at + 32);
                sl += Math.min(a, b);
                sh += Math.max(a, b);
                sa += Math.max(Math.abs(a), Math.abs(b));
            }
            lo[l] = sl;
            hi[l] = sh;
            abs[l] = sa;
        }
    }

    @Override
    public int plainBelow() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void pack(MemorySegment s, long off, int n, boolean f4, double[] dst, int dstOff) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = load(s, off, i, f4);
        }
    }

    @Override
    public void dot4x4(double[] q, int qOff, double[] b, int bOff, int n, double[] out) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc = Math.fma(q[qOff + r * n + i], b[bOff + c * n + i], acc);
                }
                out[4 * r + c] = acc;
            }
        }
    }

    @Override
    public void squaredDistances(double[] q, int qOff, double[] t, int tOff, int dim, double[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = squaredDistanceLane(q, qOff, t, tOff, dim, n, i);
        }
    }

    /** Lane i of {@link #squaredDistances}; also the vector implementation's tail. */
    public static double squaredDistanceLane(double[] q, int qOff, double[] t, int tOff, int dim, int n, int i) {
        double acc = 0;
        for (int k = 0; k < dim; k++) {
            double diff = q[qOff + k * n + i] - t[tOff + k * n + i];
            acc = Math.fma(diff, diff, acc);
        }
        return acc;
    }

    @Override
    public void residualDistances(KernelShape type, double variance, double[] s2, double[] dot, double[] ispQ,
                                  double[] ispJ, double[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = ResidualFormula.distance(type, variance, s2[i], dot[i], ispQ[i], ispJ[i]);
        }
    }

    @Override
    public int residualScreen(KernelShape type, double variance, ScreenTile tile, int from, int n, double[] dot, int dotOff,
                              double[] qx, double qIsp, double qNorm, double bound) {
        int count = 0;
        for (int i = from; i < from + n; i++) {
            screenLane(type, variance, tile, i, dot[dotOff + i - from], qx, qIsp, qNorm);
            if (tile.lower[i] <= bound) {
                tile.within[count++] = i;
            }
        }
        return count;
    }

    /** Row i of {@link #residualScreen}; also the vector implementation's tail. */
    static void screenLane(KernelShape type, double variance, ScreenTile tile, int i, double dot, double[] qx, double qIsp,
                           double qNorm) {
        double s2 = 0;
        for (int k = 0; k < tile.dim; k++) {
            double diff = qx[k] - tile.coords[k * tile.capacity + i];
            s2 = Math.fma(diff, diff, s2);
        }
        double t = Math.abs(variance * ResidualFormula.correlation(type, s2) - dot);
        double e = tile.rel * qNorm * tile.norm[i] + ScreenTile.TINY;
        double ispJ = tile.isp[i];
        double most = (t + e) * (ispJ * (qIsp * ScreenTile.WIDEN_UP));
        double least = Math.max(t - e, 0.0) * (ispJ * (qIsp * ScreenTile.WIDEN_DOWN));
        tile.lower[i] = 1.0 - Math.min(most, 1.0);
        tile.upper[i] = 1.0 - Math.min(least, 1.0);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
