package dev.covertree.tests;

import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.engine.internal.vector.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;

/**
 * Calls the kernels that end in a lane sum ({@code dot}, {@code dot1x4}, {@code squaredDistance}, {@code dot4x4})
 * until the JIT has compiled them, then counts the bytes one more round allocates (run by
 * {@link KernelCompilationTest} in a JVM of its own). Prints the implementation's name, then
 * {@code allocated <bytes>}.
 */
public final class KernelAllocationProgram {
    private static final int M = 128;
    private static final int ROWS = 1024;
    private static final int CALLS = 100_000;
    private static final int ROUNDS = 8;

    private KernelAllocationProgram() {
    }

    public static void main(String[] args) {
        VectorOps ops = Ops.IMPL;
        System.out.println(ops.name());
        long row = 4L * M;
        MemorySegment v = Arena.global().allocate(row * ROWS, 64);
        for (long i = 0; i < (long) M * ROWS; i++) {
            v.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
        }
        double[] q = new double[4 * M];
        double[] b = new double[4 * M];
        for (int i = 0; i < q.length; i++) {
            q[i] = Math.cos(i);
            b[i] = Math.sin(3 * i);
        }
        double[] out = new double[16];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        double sink = 0;
        long allocated = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < CALLS; i++) {
                long at = (long) (i % (ROWS - 4)) * row;
                ops.dot1x4(v, at, v, at + row, at + 2 * row, at + 3 * row, at + 4 * row, M, true, out, 0);
                sink += out[0] + ops.dot(v, at, v, at + row, M, true) + ops.squaredDistance(v, at, v, at + row, M, true);
                ops.dot4x4(q, 0, b, 0, M, out);
                sink += out[15];
            }
            allocated = threads.getThreadAllocatedBytes(self) - before;
        }
        // the sums are used, so no call can be left out
        System.out.println(Double.isNaN(sink) ? "NaN" : "allocated " + allocated);
    }
}
