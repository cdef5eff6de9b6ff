package dev.covertree.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The reference implementation: plain loops with fused multiply-add, one element at a time. */
final class ScalarOps implements VectorOps {

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
    public double squaredDistance(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double d = load(a, aOff, i, f4) - load(b, bOff, i, f4);
            acc = Math.fma(d, d, acc);
        }
        return acc;
    }

    @Override
    public void dot4x2(double[] q, int qOff, int n, MemorySegment b, long b0Off, long b1Off, boolean f4, double[] out) {
        for (int r = 0; r < 4; r++) {
            double acc0 = 0;
            double acc1 = 0;
            int base = qOff + r * n;
            for (int i = 0; i < n; i++) {
                acc0 = Math.fma(q[base + i], load(b, b0Off, i, f4), acc0);
                acc1 = Math.fma(q[base + i], load(b, b1Off, i, f4), acc1);
            }
            out[2 * r] = acc0;
            out[2 * r + 1] = acc1;
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
