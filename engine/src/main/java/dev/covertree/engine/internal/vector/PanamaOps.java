package dev.covertree.engine.internal.vector;


import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code jdk.incubator.vector} kernels shaped like Lucene's: a loop bound, FMA accumulators, one lane sum,
 * a scalar tail. Float32 rows are widened to float64 lane by lane (a float species of half the width has
 * the same lane count). Lane sums use a fixed pairwise order ({@code reduceLanes} leaves the order of a
 * floating-point sum unspecified), so a dot product is the same number wherever it is computed.
 */
public final class PanamaOps implements VectorOps {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Steps of the pairwise lane sum: lanes l and l + L/2, then l and l + L/4, … */
    private static final int HALVING_STEPS = Integer.numberOfTrailingZeros(L);
    // One constant per step (null past this species' steps), handed out by halving(step). C2 folds a static
    // final, so each rearrange sees its shuffle's exact class; read from an array (an earlier form) it may not
    // (a compilation from the interpreter's profile did not), and a rearrange it cannot intrinsify hands back a
    // boxed vector: every later operation of the kernel then allocates.
    private static final VectorShuffle<Double> HALF = shuffleOfStep(1);
    private static final VectorShuffle<Double> QUARTER = shuffleOfStep(2);
    private static final VectorShuffle<Double> EIGHTH = shuffleOfStep(3);
    private static final VectorShuffle<Double> SIXTEENTH = shuffleOfStep(4);
    private static final VectorShuffle<Double> THIRTY_SECOND = shuffleOfStep(5);
    /** 2^52 + 1023: see {@link #kernelValues}. */
    private static final double EXPONENT_SHIFTER = 0x1p52 + 1023;
    /** 1 + 2⁻⁵⁰: see {@link #residualScreen}. */
    private static final double SCREEN_WIDEN = 1 + 0x1p-50;

    /** Lane l to lane l + L/2^step, wrapping; null where this species has no such step. */
    private static VectorShuffle<Double> shuffleOfStep(int step) {
        return L >> step == 0 ? null : VectorShuffle.iota(D, L >> step, 1, true);
    }

    /** The shuffle of halving step {@code step} (1 to {@link #HALVING_STEPS}), a constant. */
    private static VectorShuffle<Double> halving(int step) {
        return switch (step) {
            case 1 -> HALF;
            case 2 -> QUARTER;
            case 3 -> EIGHTH;
            case 4 -> SIXTEENTH;
            case 5 -> THIRTY_SECOND;
            default -> throw new IllegalStateException("no vector species has " + L + " double lanes");
        };
    }

    /** Per thread: {@link #squaredNormPlain}'s lane sums, reused row after row (a pass over every row allocates nothing). */
    private static final ThreadLocal<double[]> NORM_LANES = ThreadLocal.withInitial(() -> new double[L]);

    /** Pairwise lane sum: lanes l and l + L/2 first, then l and l + L/4, and so on. */
    private static double sumLanes(DoubleVector v) {
        for (int step = 1; step <= HALVING_STEPS; step++) {
            v = v.add(v.rearrange(halving(step)));
        }
        return v.lane(0);
    }


    // A vector that crosses a call C2 did not inline is boxed: the kernel then allocates at every load and runs many
    // times slower. So a kernel's only calls that take or return vectors (or shuffles) go to load, sumLanes and
    // halving, from its loops or once after them: call sites as frequent as the kernel itself, which C2 inlines. load's
    // two branches call only the vector API's own methods, which C2 inlines whatever the profile says. A load that
    // called a helper per dtype made that helper's call site as cold as its dtype was rare in load's profile, which
    // every kernel shares: after a JVM had loaded mostly float64 rows, its float32 kernels stayed boxed.
    private static DoubleVector load(MemorySegment s, long off, int i, boolean f4) {
        return f4 ? (DoubleVector) FloatVector.fromMemorySegment(F, s, off + 4L * i, NATIVE).convertShape(VectorOperators.F2D, D, 0)
                : DoubleVector.fromMemorySegment(D, s, off + 8L * i, NATIVE);
    }

    private static double scalar(MemorySegment s, long off, int i, boolean f4) {
        return f4 ? s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 4L * i) : s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, off + 8L * i);
    }

    // One accumulator: lane l sums elements l, l+L, l+2L, ... in order, as each pair in dot4x4 does.
    @Override
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4) {
        DoubleVector s0 = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            s0 = load(a, aOff, i, f4).fma(load(b, bOff, i, f4), s0);
        }
        double acc = i == 0 ? 0 : sumLanes(s0);
        for (; i < n; i++) {
            acc = Math.fma(scalar(a, aOff, i, f4), scalar(b, bOff, i, f4), acc);
        }
        return acc;
    }

    /**
     * {@link #dot}'s order written out in scalar code: lane l's FMA chain over elements l, l + L, … of the whole
     * vectors, then {@link #sumLanes}' pairwise sum (lanes l and l + L/2 first; a lane's partner only ever
     * meets it in one addition, and addition is commutative), then the tail's chain.
     */
    @Override
    public double squaredNormPlain(double[] a, int off, int n) {
        double[] lanes = NORM_LANES.get();
        Arrays.fill(lanes, 0.0);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            for (int l = 0; l < L; l++) {
                double x = a[off + i + l];
                lanes[l] = Math.fma(x, x, lanes[l]);
            }
        }
        double acc = 0;
        if (i > 0) {
            for (int half = L / 2; half > 0; half /= 2) {
                for (int l = 0; l < half; l++) {
                    lanes[l] += lanes[l + half];
                }
            }
            acc = lanes[0];
        }
        for (; i < n; i++) {
            double x = a[off + i];
            acc = Math.fma(x, x, acc);
        }
        return acc;
    }

    @Override
    public void dot1x4(MemorySegment a, long aOff, MemorySegment b, long b0, long b1, long b2, long b3, int n, boolean f4,
                       double[] out, int outOff) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        DoubleVector s2 = DoubleVector.zero(D);
        DoubleVector s3 = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector x = load(a, aOff, i, f4);
            s0 = x.fma(load(b, b0, i, f4), s0);
            s1 = x.fma(load(b, b1, i, f4), s1);
            s2 = x.fma(load(b, b2, i, f4), s2);
            s3 = x.fma(load(b, b3, i, f4), s3);
        }
        double r0 = 0;
        double r1 = 0;
        double r2 = 0;
        double r3 = 0;
        if (i > 0) {
            r0 = sumLanes(s0);
            r1 = sumLanes(s1);
            r2 = sumLanes(s2);
            r3 = sumLanes(s3);
        }
        for (; i < n; i++) {
            double x = scalar(a, aOff, i, f4);
            r0 = Math.fma(x, scalar(b, b0, i, f4), r0);
            r1 = Math.fma(x, scalar(b, b1, i, f4), r1);
            r2 = Math.fma(x, scalar(b, b2, i, f4), r2);
            r3 = Math.fma(x, scalar(b, b3, i, f4), r3);
        }
        out[outOff] = r0;
        out[outOff + 1] = r1;
        out[outOff + 2] = r2;
        out[outOff + 3] = r3;
    }

    @Override
    public double squaredDistance(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            DoubleVector d0 = load(a, aOff, i, f4).sub(load(b, bOff, i, f4));
            DoubleVector d1 = load(a, aOff, i + L, f4).sub(load(b, bOff, i + L, f4));
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector d0 = load(a, aOff, i, f4).sub(load(b, bOff, i, f4));
            s0 = d0.fma(d0, s0);
        }
        double acc = i == 0 ? 0 : sumLanes(s0.add(s1));
        for (; i < n; i++) {
            double d = scalar(a, aOff, i, f4) - scalar(b, bOff, i, f4);
            acc = Math.fma(d, d, acc);
        }
        return acc;
    }

    @Override
    public int distancesWithin(double[] q, int dim, MemorySegment s, long off, int stride, int count, double bound,
                               double[] dist, int[] within) {
        int c = 0;
        for (int i = 0; i < count; i += L) {
            VectorMask<Double> live = D.indexInRange(i, count);
            DoubleVector acc = DoubleVector.zero(D);
            for (int k = 0; k < dim; k++) {
                DoubleVector t = DoubleVector.broadcast(D, q[k])
                        .sub(DoubleVector.fromMemorySegment(D, s, off + 8L * (k * stride + i), NATIVE, live));
                acc = t.fma(t, acc);
            }
            DoubleVector d = acc.sqrt();
            d.intoArray(dist, i, live);
            // only the kept lanes are visited, one set bit each
            for (long bits = d.compare(VectorOperators.LE, bound, live).toLong(); bits != 0; bits &= bits - 1) {
                within[c++] = i + Long.numberOfTrailingZeros(bits);
            }
        }
        return c;
    }

    @Override
    public long boxNear(double[] x, int stride, int dim, int count, MemorySegment s, long loOff, long hiOff, double scale,
                        double[] bound) {
        long bits = 0;
        int i = 0;
        for (int end = D.loopBound(count); i < end; i += L) {
            DoubleVector s2 = DoubleVector.zero(D);
            for (int k = 0; k < dim; k++) {
                DoubleVector xk = DoubleVector.fromArray(D, x, k * stride + i);
                DoubleVector t = xk.neg().add(s.get(ValueLayout.JAVA_DOUBLE, loOff + 8L * k))
                        .max(xk.sub(s.get(ValueLayout.JAVA_DOUBLE, hiOff + 8L * k))).max(0.0);
                s2 = t.fma(t, s2);
            }
            VectorMask<Double> far = s2.mul(scale).sqrt().compare(VectorOperators.GT, DoubleVector.fromArray(D, bound, i));
            bits |= (~far.toLong() & ((1L << L) - 1)) << i;
        }
        for (; i < count; i++) {
            if (!(ScalarOps.boxBound(x, stride, dim, i, s, loOff, hiOff, scale) > bound[i])) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    /** A wide node's lanes in vectors of L; where a vector is wider than a node, the scalar kernels serve. */
    private static final boolean WIDE_IN_VECTORS = L <= WIDE_LANES;
    private static final ScalarOps WIDE_SCALAR = new ScalarOps();

    @Override
    public void wideNearFar(MemorySegment s, long off, int dim, double[] x, double[] near, double[] far) {
        if (!WIDE_IN_VECTORS) {
            WIDE_SCALAR.wideNearFar(s, off, dim, x, near, far);
            return;
        }
        for (int l = 0; l < WIDE_LANES; l += L) {
            DoubleVector n2 = DoubleVector.zero(D);
            DoubleVector f2 = n2;
            for (int k = 0; k < dim; k++) {
                DoubleVector lo = DoubleVector.fromMemorySegment(D, s, off + 8L * (2 * WIDE_LANES * k + l), NATIVE);
                DoubleVector hi = DoubleVector.fromMemorySegment(D, s, off + 8L * (2 * WIDE_LANES * k + WIDE_LANES + l), NATIVE);
                DoubleVector xk = DoubleVector.broadcast(D, x[k]);
                DoubleVector toLo = xk.sub(lo);
                DoubleVector toHi = xk.sub(hi);
                DoubleVector t = lo.sub(xk).max(toHi).max(0.0);
                n2 = t.fma(t, n2);
                DoubleVector f = toLo.abs().max(toHi.abs());
                f2 = f.fma(f, f2);
            }
            n2.intoArray(near, l);
            f2.intoArray(far, l);
        }
    }

    @Override
    public void wideIntervals(MemorySegment s, long off, long stride, int[] cols, int count, double[] q, double[] lo, double[] hi,
                              double[] abs) {
        if (!WIDE_IN_VECTORS) {
            WIDE_SCALAR.wideIntervals(s, off, stride, cols, count, q, lo, hi, abs);
            return;
        }
        for (int l = 0; l < WIDE_LANES; l += L) {
            DoubleVector sl = DoubleVector.zero(D);
            DoubleVector sh = sl;
            DoubleVector sa = sl;
            for (int i = 0; i < count; i++) {
                int u = cols[i];
                long at = off + stride * u + 4L * l;
                DoubleVector qu = DoubleVector.broadcast(D, q[u]);
                DoubleVector a = qu.mul(load(s, at, 0, true));
                DoubleVector b = qu.mul(load(s, at + 32, 0, true));
                sl = sl.add(a.min(b));
                sh = sh.add(a.max(b));
                sa = sa.add(a.abs().max(b.abs()));
            }
            sl.intoArray(lo, l);
            sh.intoArray(hi, l);
            sa.intoArray(abs, l);
        }
    }

    /** Below one vector of lanes both vector loops are skipped and the scalar tail is the whole sum. */
    @Override
    public int plainBelow() {
        return L;
    }

    @Override
    public void pack(MemorySegment s, long off, int n, boolean f4, double[] dst, int dstOff) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            load(s, off, i, f4).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = scalar(s, off, i, f4);
        }
    }

    @Override
    public void dot4x4(double[] q, int qOff, double[] b, int bOff, int n, double[] out) {
        DoubleVector a00 = DoubleVector.zero(D), a01 = a00, a02 = a00, a03 = a00;
        DoubleVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        DoubleVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        DoubleVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int q1 = qOff + n, q2 = qOff + 2 * n, q3 = qOff + 3 * n;
        int b1 = bOff + n, b2 = bOff + 2 * n, b3 = bOff + 3 * n;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector x0 = DoubleVector.fromArray(D, q, qOff + i);
            DoubleVector x1 = DoubleVector.fromArray(D, q, q1 + i);
            DoubleVector x2 = DoubleVector.fromArray(D, q, q2 + i);
            DoubleVector x3 = DoubleVector.fromArray(D, q, q3 + i);
            DoubleVector y = DoubleVector.fromArray(D, b, bOff + i);
            a00 = x0.fma(y, a00);
            a10 = x1.fma(y, a10);
            a20 = x2.fma(y, a20);
            a30 = x3.fma(y, a30);
            y = DoubleVector.fromArray(D, b, b1 + i);
            a01 = x0.fma(y, a01);
            a11 = x1.fma(y, a11);
            a21 = x2.fma(y, a21);
            a31 = x3.fma(y, a31);
            y = DoubleVector.fromArray(D, b, b2 + i);
            a02 = x0.fma(y, a02);
            a12 = x1.fma(y, a12);
            a22 = x2.fma(y, a22);
            a32 = x3.fma(y, a32);
            y = DoubleVector.fromArray(D, b, b3 + i);
            a03 = x0.fma(y, a03);
            a13 = x1.fma(y, a13);
            a23 = x2.fma(y, a23);
            a33 = x3.fma(y, a33);
        }
        // lane sums written out (a helper taking vectors may not be inlined into this large method, and
        // then boxes them); the same pairwise order as sumLanes
        if (i > 0) {
            for (int step = 1; step <= HALVING_STEPS; step++) {
                VectorShuffle<Double> h = halving(step);
                a00 = a00.add(a00.rearrange(h));
                a01 = a01.add(a01.rearrange(h));
                a02 = a02.add(a02.rearrange(h));
                a03 = a03.add(a03.rearrange(h));
                a10 = a10.add(a10.rearrange(h));
                a11 = a11.add(a11.rearrange(h));
                a12 = a12.add(a12.rearrange(h));
                a13 = a13.add(a13.rearrange(h));
                a20 = a20.add(a20.rearrange(h));
                a21 = a21.add(a21.rearrange(h));
                a22 = a22.add(a22.rearrange(h));
                a23 = a23.add(a23.rearrange(h));
                a30 = a30.add(a30.rearrange(h));
                a31 = a31.add(a31.rearrange(h));
                a32 = a32.add(a32.rearrange(h));
                a33 = a33.add(a33.rearrange(h));
            }
            out[0] = a00.lane(0);
            out[1] = a01.lane(0);
            out[2] = a02.lane(0);
            out[3] = a03.lane(0);
            out[4] = a10.lane(0);
            out[5] = a11.lane(0);
            out[6] = a12.lane(0);
            out[7] = a13.lane(0);
            out[8] = a20.lane(0);
            out[9] = a21.lane(0);
            out[10] = a22.lane(0);
            out[11] = a23.lane(0);
            out[12] = a30.lane(0);
            out[13] = a31.lane(0);
            out[14] = a32.lane(0);
            out[15] = a33.lane(0);
        } else {
            java.util.Arrays.fill(out, 0, 16, 0.0);
        }
        for (; i < n; i++) {
            for (int r = 0; r < 4; r++) {
                double x = q[qOff + r * n + i];
                for (int c = 0; c < 4; c++) {
                    out[4 * r + c] = Math.fma(x, b[bOff + c * n + i], out[4 * r + c]);
                }
            }
        }
    }

    // ResidualFormula.distance lane-wise, operation for operation, written as one loop body: vectors handed
    // to a helper method that C2 declines to inline get boxed on the heap.
    @Override
    public void squaredDistances(double[] q, int qOff, double[] t, int tOff, int dim, double[] out, int n) {
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector acc = DoubleVector.zero(D);
            for (int k = 0; k < dim; k++) {
                DoubleVector diff = DoubleVector.fromArray(D, q, qOff + k * n + i).sub(DoubleVector.fromArray(D, t, tOff + k * n + i));
                acc = diff.fma(diff, acc);
            }
            acc.intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = ScalarOps.squaredDistanceLane(q, qOff, t, tOff, dim, n, i);
        }
    }

    @Override
    public void residualDistances(KernelShape type, double variance, double[] s2, double[] dot, double[] ispQ,
                                  double[] ispJ, double[] out, int n) {
        kernelValues(type, variance, ResidualFormula.C, s2, out, 0, D.loopBound(n));
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector rho = DoubleVector.fromArray(D, out, i).sub(DoubleVector.fromArray(D, dot, i))
                    .mul(DoubleVector.fromArray(D, ispQ, i)).mul(DoubleVector.fromArray(D, ispJ, i));
            DoubleVector.broadcast(D, 1.0).sub(rho.abs().min(1.0)).sqrt().intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = ResidualFormula.distance(type, variance, s2[i], dot[i], ispQ[i], ispJ[i]);
        }
    }

    /**
     * {@code out[i] = σ² corr(s2[i])} for i in {@code [from, to)}, whole vectors of lanes, with the exponential's
     * polynomial {@code c} (Horner's rule, highest power first). With {@link ResidualFormula#C} this is
     * {@link ResidualFormula#correlation} lane-wise, the same operations in the same order (callers finish the
     * tail with the scalar formula); with {@link ResidualFormula#SCREEN_EXP} it is the screen's approximation.
     * Arrays in, arrays out: a helper that took or returned vectors would, when C2 does not inline it (this
     * one is too large to be inlined everywhere), box every vector it passes.
     */
    private static void kernelValues(KernelShape type, double variance, double[] c, double[] s2, double[] out, int from,
                                     int to) {
        for (int i = from; i < to; i += L) {
            DoubleVector sq = DoubleVector.fromArray(D, s2, i);
            // a is the Matérn argument (unused by RBF and Matérn 1/2); x is the exponent
            DoubleVector a = switch (type) {
                case MATERN32 -> sq.sqrt().mul(ResidualFormula.SQRT3).min(ResidualFormula.MATERN_ARG_MAX);
                case MATERN52 -> sq.sqrt().mul(ResidualFormula.SQRT5).min(ResidualFormula.MATERN_ARG_MAX);
                case RBF, MATERN12 -> sq;
            };
            DoubleVector x = switch (type) {
                case RBF -> sq.mul(-0.5);
                case MATERN12 -> sq.sqrt().neg();
                case MATERN32, MATERN52 -> a.neg();
            };
            VectorMask<Double> under = x.compare(VectorOperators.LT, ResidualFormula.EXP_MIN);
            DoubleVector k = x.mul(ResidualFormula.LOG2E).add(ResidualFormula.ROUNDER).sub(ResidualFormula.ROUNDER);
            DoubleVector r = k.neg().fma(DoubleVector.broadcast(D, ResidualFormula.LN2_HI), x);
            r = k.neg().fma(DoubleVector.broadcast(D, ResidualFormula.LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(D, c[0]);
            for (int t = 1; t < c.length; t++) {
                p = p.fma(r, DoubleVector.broadcast(D, c[t]));
            }
            // 2^k without a double-to-long conversion: k + 1023 + 2^52 holds k + 1023 in its low mantissa
            // bits (the ulp there is 1), which the shift moves into the exponent field
            LongVector bits = k.blend(0.0, under).add(EXPONENT_SHIFTER).reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52);
            DoubleVector e = p.mul(bits.reinterpretAsDoubles()).blend(0.0, under);
            DoubleVector corr = switch (type) {
                case MATERN32 -> a.add(1).mul(e);
                case MATERN52 -> a.add(1).add(a.mul(a).div(3)).mul(e);
                case RBF, MATERN12 -> e;
            };
            corr.mul(variance).intoArray(out, i);
        }
    }

    /**
     * A pass that only decides which rows may be within {@code bound}; the rows it
     * keeps then get the canonical bounds from {@link ScalarOps#screenLane}, so the rows listed and the values
     * written are exactly the scalar screen's. The pass computes the kernel with {@link ResidualFormula#SCREEN_EXP}
     * (a shorter polynomial than the canonical exponential's) and so must only ever keep too many rows, never
     * too few. Its value {@code k'} of {@code σ² corr} and the canonical {@code k̃} both come from the same
     * squared distance and the same operations around the exponential; the two exponentials are within
     * {@link ResidualFormula#SCREEN_EXP_ERROR} of each other relatively (below subnormal results, within
     * {@link ScreenTile#TINY}), and the few roundings after them stay far inside that allowance, so
     * {@code δ = |k' − k̃| ≤ ε k' + TINY} with ε = {@code SCREEN_EXP_ERROR}. The canonical screen starts from
     * {@code t = fl|fl(k̃ − g)| ≤ (1 + u)(|k' − g| + δ)}, while this pass has {@code t' = fl|fl(k' − g)| ≥ (1 − u)|k' − g|};
     * hence {@code t ≤ t'(1 + 2⁻⁵⁰) + 3δ} (2⁻⁵⁰ = 8u covers (1 + u)/(1 − u)), and {@code x = fl(t'(1 + 2⁻⁵⁰) + Δ)} with
     * {@code Δ = fl(3ε k' + 3 TINY) ≥ 3δ} (ε is ten times the true difference, which covers Δ's own rounding) is, by the monotonicity of rounding (t is a float), at least t. Every
     * later step, {@code fl(fl(x + e) s)} with the same scale s and {@code 1 − min(·, 1)}, is monotone in x and
     * performed as the canonical screen performs it, so this pass's lower bound is at most the canonical one and
     * every row the canonical screen lists is kept.
     */
    @Override
    public int residualScreen(KernelShape type, double variance, ScreenTile tile, int from, int n, double[] dot, int dotOff,
                              double[] qx, double qIsp, double qNorm, double bound) {
        int dim = tile.dim;
        int cap = tile.capacity;
        double[] coords = tile.coords;
        double slack = 3 * ResidualFormula.SCREEN_EXP_ERROR;
        int end = from + D.loopBound(n);
        int shift = dotOff - from;
        double qe = tile.rel * qNorm;
        double up = qIsp * ScreenTile.WIDEN_UP;
        int count = 0;
        int i = from;
        // the kernel values go through tile.lower, where the scalar lane writes the bounds of the rows kept
        double[] values = tile.lower;
        for (; i < end; i += L) {
            DoubleVector sq = DoubleVector.zero(D);
            for (int k = 0; k < dim; k++) {
                DoubleVector diff = DoubleVector.broadcast(D, qx[k]).sub(DoubleVector.fromArray(D, coords, k * cap + i));
                sq = diff.fma(diff, sq);
            }
            sq.intoArray(values, i);
        }
        kernelValues(type, variance, ResidualFormula.SCREEN_EXP, values, values, from, end);
        for (i = from; i < end; i += L) {
            DoubleVector kv = DoubleVector.fromArray(D, values, i);
            DoubleVector t = kv.sub(DoubleVector.fromArray(D, dot, shift + i)).abs();
            DoubleVector slackV = kv.fma(slack, 3 * ScreenTile.TINY);
            DoubleVector xt = t.fma(DoubleVector.broadcast(D, SCREEN_WIDEN), slackV);
            DoubleVector eps = DoubleVector.fromArray(D, tile.norm, i).mul(qe).add(ScreenTile.TINY);
            DoubleVector most = xt.add(eps).mul(DoubleVector.fromArray(D, tile.isp, i).mul(up));
            long keep = DoubleVector.broadcast(D, 1.0).sub(most.min(1.0)).compare(VectorOperators.LE, bound).toLong();
            while (keep != 0) {
                int row = i + Long.numberOfTrailingZeros(keep);
                keep &= keep - 1;
                ScalarOps.screenLane(type, variance, tile, row, dot[shift + row], qx, qIsp, qNorm);
                if (tile.lower[row] <= bound) {
                    tile.within[count++] = row;
                }
            }
        }
        for (; i < from + n; i++) {
            ScalarOps.screenLane(type, variance, tile, i, dot[shift + i], qx, qIsp, qNorm);
            if (tile.lower[i] <= bound) {
                tile.within[count++] = i;
            }
        }
        return count;
    }

    @Override
    public String name() {
        return "panama-" + D.vectorBitSize() + "bit";
    }
}
