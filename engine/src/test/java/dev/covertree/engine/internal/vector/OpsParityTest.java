package dev.covertree.engine.internal.vector;

import dev.covertree.engine.Matrix;
import dev.covertree.engine.TestData;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
                double[] q = new double[4 * n];
                double[] b = new double[4 * n];
                for (int r = 0; r < 4; r++) {
                    SCALAR.pack(a.segment(), a.rowOffset(r), n, f4, q, r * n);
                    VECTOR.pack(a.segment(), a.rowOffset(r + 2), n, f4, b, r * n);
                }
                double[] s = new double[16];
                double[] v = new double[16];
                SCALAR.dot4x4(q, 0, b, 0, n, s);
                VECTOR.dot4x4(q, 0, b, 0, n, v);
                for (int i = 0; i < 16; i++) {
                    close(s[i], v[i], n, "dot4x4[" + i + "] " + t + " n=" + n);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 9, 16, 31})
    void squaredDistanceIsThePlainFmaChainBelowPlainBelow(int n) {
        for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
            if (n >= ops.plainBelow()) {
                continue;
            }
            for (NpyDType t : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                try (Arena arena = Arena.ofConfined()) {
                    Matrix a = TestData.matrix(arena, "a", rows(2, n, 11 * n), t);
                    double acc = 0;
                    for (int k = 0; k < n; k++) {
                        double d = a.get(0, k) - a.get(1, k);
                        acc = Math.fma(d, d, acc);
                    }
                    assertEquals(acc, ops.squaredDistance(a.segment(), a.rowOffset(0), a.segment(), a.rowOffset(1), n,
                            t == NpyDType.F4), 0.0, ops.name() + " n=" + n + " " + t.code());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 9, 17, 32})
    void leafColumnDistancesOfAnyPrefixAreTheSquaredDistanceRowsAndKeepExactlyThoseWithinTheBound(int stride) {
        for (int dim = 1; dim <= 4; dim++) {
            double[][] pts = rows(stride + 1, dim, 31L * stride + dim);
            double[] q = pts[stride];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment cols = arena.allocate(8L * dim * stride + 16);
                long off = 8;
                for (int i = 0; i < stride; i++) {
                    for (int k = 0; k < dim; k++) {
                        cols.set(ValueLayout.JAVA_DOUBLE, off + 8L * (k * stride + i), pts[i][k]);
                    }
                }
                double[] sorted = new double[stride];
                for (int i = 0; i < stride; i++) {
                    double acc = 0;
                    for (int k = 0; k < dim; k++) {
                        double t = q[k] - pts[i][k];
                        acc = Math.fma(t, t, acc);
                    }
                    sorted[i] = Math.sqrt(acc);
                }
                double[] copy = sorted.clone();
                java.util.Arrays.sort(copy);
                double bound = copy[stride / 2];
                // the whole leaf, and prefixes (a predecessor search's candidates), down to none
                for (int count : new int[] {stride, stride - 1, (stride + 1) / 2, 1, 0}) {
                    for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
                        double[] dist = new double[stride];
                        int[] within = new int[stride];
                        int c = ops.distancesWithin(q, dim, cols, off, stride, count, bound, dist, within);
                        int expected = 0;
                        for (int i = 0; i < count; i++) {
                            assertEquals(sorted[i], dist[i], 0.0, ops.name() + " point " + i + " of " + count);
                            if (sorted[i] <= bound) {
                                assertEquals(i, within[expected++], ops.name() + " kept index");
                            }
                        }
                        assertEquals(expected, c, ops.name() + " kept count of " + count);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 13, 32, 64})
    void theBoxTestOfManyPointsIsTheScalarGapBoundLaneByLane(int count) {
        SplittableRandom rnd = new SplittableRandom(count);
        int dim = 3;
        int stride = 64;
        double[] x = new double[dim * stride];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble(-2, 2);
        }
        double[] bound = new double[stride];
        for (int i = 0; i < count; i++) {
            bound[i] = i % 7 == 0 ? Double.POSITIVE_INFINITY : rnd.nextDouble(0, 1.5);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = arena.allocate(16L * dim);
            for (int k = 0; k < dim; k++) {
                box.set(ValueLayout.JAVA_DOUBLE, 8L * k, -0.5 + 0.1 * k);
                box.set(ValueLayout.JAVA_DOUBLE, 8L * (dim + k), 0.5 + 0.1 * k);
            }
            double scale = 1 - 1e-15;
            long expected = 0;
            for (int i = 0; i < count; i++) {
                double s2 = 0;
                for (int k = 0; k < dim; k++) {
                    double xk = x[k * stride + i];
                    double t = Math.max(Math.max(box.get(ValueLayout.JAVA_DOUBLE, 8L * k) - xk,
                            xk - box.get(ValueLayout.JAVA_DOUBLE, 8L * (dim + k))), 0);
                    s2 = Math.fma(t, t, s2);
                }
                if (!(Math.sqrt(s2 * scale) > bound[i])) {
                    expected |= 1L << i;
                }
            }
            for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
                assertEquals(expected, ops.boxNear(x, stride, dim, count, box, 0, 8L * dim, scale, bound), ops.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 13, 16, 64, 128, 300, 515})
    void thePlainSquaredNormIsBitIdenticalToTheRowsDotWithItself(int n) {
        for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
            for (NpyDType dtype : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                try (Arena arena = Arena.ofConfined()) {
                    Matrix a = TestData.matrix(arena, "a", rows(16, n, 11 * n), dtype);
                    boolean f4 = dtype == NpyDType.F4;
                    double[] row = new double[n + 3];
                    for (int r = 0; r < 16; r++) {
                        double dot = ops.dot(a.segment(), a.rowOffset(r), a.segment(), a.rowOffset(r), n, f4);
                        ops.pack(a.segment(), a.rowOffset(r), n, f4, row, 3);
                        assertEquals(dot, ops.squaredNormPlain(row, 3, n), 0.0,
                                ops.name() + " " + dtype + " n=" + n + " row " + r);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 13, 64, 300, 515})
    void theBlockedProductsAreBitIdenticalToThePerPairDot(int n) {
        for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
            try (Arena arena = Arena.ofConfined()) {
                Matrix a = TestData.matrix(arena, "a", rows(8, n, 7 * n), NpyDType.F4);
                double[] packed = new double[8 * n];
                for (int r = 0; r < 8; r++) {
                    ops.pack(a.segment(), a.rowOffset(r), n, true, packed, r * n);
                }
                double[] out = new double[16];
                ops.dot4x4(packed, 0, packed, 4 * n, n, out);
                double[] oneByFour = new double[4];
                ops.dot1x4(a.segment(), a.rowOffset(0), a.segment(), a.rowOffset(4), a.rowOffset(5), a.rowOffset(6),
                        a.rowOffset(7), n, true, oneByFour, 0);
                for (int c = 0; c < 4; c++) {
                    assertEquals(out[c], oneByFour[c], 0.0, ops.name() + " dot1x4 n=" + n + " column " + c);
                }
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 4; c++) {
                        double single = ops.dot(a.segment(), a.rowOffset(r), a.segment(), a.rowOffset(4 + c), n, true);
                        assertEquals(single, out[4 * r + c], 0.0, ops.name() + " n=" + n + " (" + r + "," + c + ")");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelShape.class)
    void blockedResidualDistancesAreBitIdenticalToTheScalarFormula(KernelShape type) {
        SplittableRandom rnd = new SplittableRandom(type.ordinal());
        int n = 37;
        double[] s2 = new double[n];
        double[] dot = new double[n];
        double[] iq = new double[n];
        double[] ij = new double[n];
        for (int i = 0; i < n; i++) {
            s2[i] = i == 0 ? 0 : i == 1 ? 3000 : rnd.nextDouble() * (i % 3 == 0 ? 40 : 2);
            dot[i] = rnd.nextDouble(-1, 1);
            iq[i] = 1 / Math.sqrt(rnd.nextDouble(1e-7, 1));
            ij[i] = 1 / Math.sqrt(rnd.nextDouble(1e-7, 1));
        }
        for (VectorOps ops : new VectorOps[] {SCALAR, VECTOR}) {
            double[] out = new double[n];
            ops.residualDistances(type, 1.7, s2, dot, iq, ij, out, n);
            for (int i = 0; i < n; i++) {
                assertEquals(ResidualFormula.distance(type, 1.7, s2[i], dot[i], iq[i], ij[i]), out[i], 0.0,
                        ops.name() + " " + type + " lane " + i);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theDeterministicExpIsWithinTwoUlpsOfMathExp() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            double x = -rnd.nextDouble() * (i % 2 == 0 ? 1 : 700);
            double want = Math.exp(x);
            assertEquals(want, ResidualFormula.exp(x), 2 * Math.ulp(want), "exp(" + x + ")");
        }
        assertEquals(1.0, ResidualFormula.exp(0.0));
        assertEquals(0.0, ResidualFormula.exp(-750));
    }
    /**
     * The screen's bounds hold for the canonical distance (the dot product {@link VectorOps#dot} sums) when
     * it is given a dot product summed in another order, and both implementations give the same bits.
     * {@code 1/√p} is chosen per pair so that |ρ| spreads over (0, 1.5): near the cancellation where the
     * rounding of the dot product matters most.
     */
    @ParameterizedTest
    @EnumSource(KernelShape.class)
    void theScreenBoundsTheCanonicalDistanceWhateverOrderTheDotWasSummedIn(KernelShape type) {
        SplittableRandom rnd = new SplittableRandom(40 + type.ordinal());
        int m = 300;
        int n = 203;
        int dim = 3;
        double variance = 1.3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(8L * m, 64);
            MemorySegment b = arena.allocate(8L * m * n, 64);
            for (int u = 0; u < m; u++) {
                a.setAtIndex(ValueLayout.JAVA_DOUBLE, u, rnd.nextDouble(-0.1, 0.1));
            }
            for (long i = 0; i < (long) m * n; i++) {
                b.setAtIndex(ValueLayout.JAVA_DOUBLE, i, rnd.nextDouble(-0.1, 0.1));
            }
            double qNorm = Math.sqrt(SCALAR.dot(a, 0, a, 0, m, false));
            double[] qx = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
            double qIsp = 1.7;
            ScreenTile tile = new ScreenTile(256, dim, m);
            double[] other = new double[n];
            double[] canonical = new double[n];
            for (int j = 0; j < n; j++) {
                long off = 8L * m * j;
                double[] x = new double[dim];
                double s2 = 0;
                for (int k = 0; k < dim; k++) {
                    x[k] = qx[k] + rnd.nextDouble(-1, 1);
                    tile.setCoordinate(j, k, x[k]);
                    double diff = qx[k] - x[k];
                    s2 = Math.fma(diff, diff, s2);
                }
                double dot = SCALAR.dot(a, 0, b, off, m, false);
                // another order: from the last column down, without FMA
                double reversed = 0;
                for (int u = m - 1; u >= 0; u--) {
                    reversed += a.getAtIndex(ValueLayout.JAVA_DOUBLE, u) * b.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) m * j + u);
                }
                other[j] = reversed;
                double residual = Math.abs(variance * ResidualFormula.correlation(type, s2) - dot);
                double ispJ = rnd.nextDouble(0.05, 1.5) / (qIsp * Math.max(residual, 1e-300));
                tile.setScales(j, ispJ, Math.sqrt(SCALAR.dot(b, off, b, off, m, false)));
                canonical[j] = ResidualFormula.distance(type, variance, s2, dot, qIsp, ispJ);
            }
            // every row listed with bound +∞, about half of them with 0.5, and bounds at (and just below) some
            // rows' own lower bounds, where a screen that kept too few would drop that row
            SCALAR.residualScreen(type, variance, tile, 0, n, other, 0, qx, qIsp, qNorm, Double.POSITIVE_INFINITY);
            double[] bounds = new double[2 + 2 * 10];
            bounds[0] = Double.POSITIVE_INFINITY;
            bounds[1] = 0.5;
            for (int t = 0; t < 10; t++) {
                bounds[2 + 2 * t] = tile.lower(t * (n / 10));
                bounds[3 + 2 * t] = Math.nextDown(tile.lower(t * (n / 10)));
            }
            for (double bound : bounds) {
                int[][] listed = new int[2][];
                double[][] lower = new double[2][];
                double[][] upper = new double[2][];
                VectorOps[] impls = {SCALAR, VECTOR};
                for (int v = 0; v < 2; v++) {
                    int within = impls[v].residualScreen(type, variance, tile, 0, n, other, 0, qx, qIsp, qNorm, bound);
                    listed[v] = new int[within];
                    lower[v] = new double[within];
                    upper[v] = new double[within];
                    for (int c = 0; c < within; c++) {
                        int j = tile.within(c);
                        listed[v][c] = j;
                        lower[v][c] = tile.lower(j);
                        upper[v][c] = tile.upper(j);
                        double lo = Math.sqrt(tile.lower(j));
                        double hi = Math.sqrt(tile.upper(j));
                        org.junit.jupiter.api.Assertions.assertTrue(lo <= canonical[j] && canonical[j] <= hi,
                                impls[v].name() + " " + type + " pair " + j + ": " + lo + " <= " + canonical[j] + " <= " + hi);
                        org.junit.jupiter.api.Assertions.assertTrue(tile.lower(j) <= bound, impls[v].name() + " listed " + j);
                    }
                    if (bound == Double.POSITIVE_INFINITY) {
                        assertEquals(n, within, impls[v].name() + " lists every row");
                    }
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(listed[0], listed[1], type + " rows listed, bound " + bound);
                org.junit.jupiter.api.Assertions.assertArrayEquals(lower[0], lower[1], type + " lower bounds, bound " + bound);
                org.junit.jupiter.api.Assertions.assertArrayEquals(upper[0], upper[1], type + " upper bounds, bound " + bound);
            }
        }
    }

    /**
     * A wide node's box sums and interval sums: the vector kernels give the scalar ones' bits lane by lane
     * (the same operations in the same order), for boxes around, beside and holding the query, signed V ranges
     * and 1 to 3 dimensions.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void wideNodeSumsAreTheScalarOnesBitForBit(int dim) {
        int lanes = VectorOps.WIDE_LANES;
        int m = 40;
        SplittableRandom rnd = new SplittableRandom(77 + dim);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(8L * 2 * lanes * dim + 64L * m, 64);
            for (int t = 0; t < 50; t++) {
                double[] x = new double[dim];
                for (int k = 0; k < dim; k++) {
                    x[k] = rnd.nextDouble(-5, 5);
                    for (int l = 0; l < lanes; l++) {
                        double a = rnd.nextDouble(-6, 6);
                        double b = l == 0 ? x[k] : rnd.nextDouble(-6, 6);
                        s.set(ValueLayout.JAVA_DOUBLE, 8L * (2 * lanes * k + l), Math.min(a, b));
                        s.set(ValueLayout.JAVA_DOUBLE, 8L * (2 * lanes * k + lanes + l), Math.max(a, b));
                    }
                }
                long rangesAt = 8L * 2 * lanes * dim;
                for (int u = 0; u < m; u++) {
                    for (int l = 0; l < lanes; l++) {
                        float a = (float) rnd.nextDouble(-1, 1);
                        float b = (float) rnd.nextDouble(-1, 1);
                        s.set(ValueLayout.JAVA_FLOAT, rangesAt + 64L * u + 4L * l, Math.min(a, b));
                        s.set(ValueLayout.JAVA_FLOAT, rangesAt + 64L * u + 32 + 4L * l, Math.max(a, b));
                    }
                }
                double[][] out = new double[10][lanes];
                SCALAR.wideNearFar(s, 0, dim, x, out[0], out[1]);
                VECTOR.wideNearFar(s, 0, dim, x, out[2], out[3]);
                double[] q = rows(1, m, t)[0];
                int[] cols = new int[m];
                int count = 0;
                for (int u = 0; u < m; u++) {
                    if (rnd.nextInt(3) == 0) {
                        cols[count++] = u;
                    }
                }
                SCALAR.wideIntervals(s, rangesAt, 64, cols, count, q, out[4], out[5], out[6]);
                VECTOR.wideIntervals(s, rangesAt, 64, cols, count, q, out[7], out[8], out[9]);
                for (int l = 0; l < lanes; l++) {
                    for (int r = 0; r < 2; r++) {
                        assertEquals(Double.doubleToRawLongBits(out[r][l]), Double.doubleToRawLongBits(out[2 + r][l]),
                                "box sum " + r + ", lane " + l + ", dim " + dim);
                    }
                    for (int r = 0; r < 3; r++) {
                        assertEquals(Double.doubleToRawLongBits(out[4 + r][l]), Double.doubleToRawLongBits(out[7 + r][l]),
                                "interval sum " + r + ", lane " + l);
                    }
                }
                assertEquals(0.0, out[0][0], "a box holding the query is at gap 0");
            }
        }
    }
}
