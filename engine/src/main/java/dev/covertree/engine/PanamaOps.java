package dev.covertree.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code jdk.incubator.vector} kernels shaped like Lucene's: a loop bound, FMA accumulators, one lane sum,
 * a scalar tail. Float32 rows are widened to float64 lane by lane (a float
 * species of half the width has the same lane count), so the arithmetic is the scalar one's, only
 * summed in a different order.
 */
final class PanamaOps implements VectorOps {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private static DoubleVector load(MemorySegment s, long off, int i, boolean f4) {
        if (f4) {
            return (DoubleVector) FloatVector.fromMemorySegment(F, s, off + 4L * i, NATIVE)
                    .convertShape(VectorOperators.F2D, D, 0);
        }
        return DoubleVector.fromMemorySegment(D, s, off + 8L * i, NATIVE);
    }

    private static double scalar(MemorySegment s, long off, int i, boolean f4) {
        return f4 ? s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 4L * i) : s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, off + 8L * i);
    }

    /** Sums the lanes left to right: {@code reduceLanes(ADD)} leaves the order of a float sum unspecified. */
    private static double sumLanes(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < L; l++) {
            s += v.lane(l);
        }
        return s;
    }

    // One accumulator, lane l summing elements l, l+L, l+2L, ... in order: the order dot4x2 uses, so the
    // per-pair and the blocked engines produce bit-identical distances.
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
    public void dot4x2(double[] q, int qOff, int n, MemorySegment b, long b0Off, long b1Off, boolean f4, double[] out) {
        DoubleVector a00 = DoubleVector.zero(D);
        DoubleVector a01 = DoubleVector.zero(D);
        DoubleVector a10 = DoubleVector.zero(D);
        DoubleVector a11 = DoubleVector.zero(D);
        DoubleVector a20 = DoubleVector.zero(D);
        DoubleVector a21 = DoubleVector.zero(D);
        DoubleVector a30 = DoubleVector.zero(D);
        DoubleVector a31 = DoubleVector.zero(D);
        int r1 = qOff + n;
        int r2 = qOff + 2 * n;
        int r3 = qOff + 3 * n;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += L) {
            DoubleVector b0 = load(b, b0Off, i, f4);
            DoubleVector b1 = load(b, b1Off, i, f4);
            DoubleVector q0 = DoubleVector.fromArray(D, q, qOff + i);
            DoubleVector q1 = DoubleVector.fromArray(D, q, r1 + i);
            DoubleVector q2 = DoubleVector.fromArray(D, q, r2 + i);
            DoubleVector q3 = DoubleVector.fromArray(D, q, r3 + i);
            a00 = q0.fma(b0, a00);
            a01 = q0.fma(b1, a01);
            a10 = q1.fma(b0, a10);
            a11 = q1.fma(b1, a11);
            a20 = q2.fma(b0, a20);
            a21 = q2.fma(b1, a21);
            a30 = q3.fma(b0, a30);
            a31 = q3.fma(b1, a31);
        }
        boolean any = i > 0;
        double s00 = any ? sumLanes(a00) : 0;
        double s01 = any ? sumLanes(a01) : 0;
        double s10 = any ? sumLanes(a10) : 0;
        double s11 = any ? sumLanes(a11) : 0;
        double s20 = any ? sumLanes(a20) : 0;
        double s21 = any ? sumLanes(a21) : 0;
        double s30 = any ? sumLanes(a30) : 0;
        double s31 = any ? sumLanes(a31) : 0;
        for (; i < n; i++) {
            double v0 = scalar(b, b0Off, i, f4);
            double v1 = scalar(b, b1Off, i, f4);
            s00 = Math.fma(q[qOff + i], v0, s00);
            s01 = Math.fma(q[qOff + i], v1, s01);
            s10 = Math.fma(q[r1 + i], v0, s10);
            s11 = Math.fma(q[r1 + i], v1, s11);
            s20 = Math.fma(q[r2 + i], v0, s20);
            s21 = Math.fma(q[r2 + i], v1, s21);
            s30 = Math.fma(q[r3 + i], v0, s30);
            s31 = Math.fma(q[r3 + i], v1, s31);
        }
        out[0] = s00;
        out[1] = s01;
        out[2] = s10;
        out[3] = s11;
        out[4] = s20;
        out[5] = s21;
        out[6] = s30;
        out[7] = s31;
    }

    @Override
    public String name() {
        return "panama-" + D.vectorBitSize() + "bit";
    }
}
