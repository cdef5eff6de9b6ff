package dev.covertree.tests;

import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.engine.internal.vector.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;

/**
 * Calls vector kernels until the JIT has compiled them, then counts the bytes one more round allocates (run by
 * {@link KernelCompilationTest} in a JVM of its own). Prints the implementation's name, then {@code allocated <bytes>}.
 * <ul>
 *   <li>{@code lane-sums}: the kernels that end in a lane sum ({@code dot}, {@code dot1x4}, {@code squaredDistance},
 *       {@code dot4x4}) on float32 rows.</li>
 *   <li>{@code mixed-dtypes}: the kernels that load rows of either dtype ({@code dot}, {@code dot1x4},
 *       {@code squaredDistance}, {@code pack}) first on float64 rows with a float32 call now and then, as a JVM
 *       that served a float64 dataset before a float32 one, and then counted on float32 rows alone.</li>
 * </ul>
 */
public final class KernelAllocationProgram {
    private static final int M = 128;
    private static final int ROWS = 1024;
    private static final int CALLS = 100_000;
    private static final int ROUNDS = 8;
    /** In the mixed warm-up, one call in this many is on float32 rows. */
    private static final int FLOAT32_EVERY = 200;

    private KernelAllocationProgram() {
    }

    public static void main(String[] args) {
        VectorOps ops = Ops.IMPL;
        System.out.println(ops.name());
        MemorySegment f4 = Arena.global().allocate(4L * M * ROWS, 64);
        MemorySegment f8 = Arena.global().allocate(8L * M * ROWS, 64);
        for (long i = 0; i < (long) M * ROWS; i++) {
            f4.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i));
            f8.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Math.sin(i));
        }
        double[] q = new double[4 * M];
        double[] b = new double[4 * M];
        for (int i = 0; i < q.length; i++) {
            q[i] = Math.cos(i);
            b[i] = Math.sin(3 * i);
        }
        double[] out = new double[16];
        double[] packed = new double[M];
        boolean mixed = switch (args.length == 1 ? args[0] : "") {
            case "lane-sums" -> false;
            case "mixed-dtypes" -> true;
            default -> throw new IllegalArgumentException("usage: KernelAllocationProgram lane-sums|mixed-dtypes");
        };
        double sink = 0;
        if (mixed) {
            for (int i = 0; i < 4 * CALLS; i++) {
                boolean single = i % FLOAT32_EVERY == 0;
                sink += loads(ops, single ? f4 : f8, i, single, out, packed);
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        long allocated = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < CALLS; i++) {
                sink += loads(ops, f4, i, true, out, packed);
                if (!mixed) {
                    ops.dot4x4(q, 0, b, 0, M, out);
                    sink += out[15];
                }
            }
            allocated = threads.getThreadAllocatedBytes(self) - before;
        }
        // the sums are used, so no call can be left out
        System.out.println(Double.isNaN(sink) ? "NaN" : "allocated " + allocated);
    }

    /** One call of each kernel that loads rows, on rows {@code i}, i + 1, ... of {@code v} (float32 when {@code single}). */
    private static double loads(VectorOps ops, MemorySegment v, int i, boolean single, double[] out, double[] packed) {
        long row = (single ? 4L : 8L) * M;
        long at = (long) (i % (ROWS - 4)) * row;
        ops.dot1x4(v, at, v, at + row, at + 2 * row, at + 3 * row, at + 4 * row, M, single, out, 0);
        ops.pack(v, at, M, single, packed, 0);
        return out[0] + packed[M - 1] + ops.dot(v, at, v, at + row, M, single) + ops.squaredDistance(v, at, v, at + row, M, single);
    }
}
