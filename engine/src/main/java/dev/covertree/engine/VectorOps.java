package dev.covertree.engine;

import java.lang.foreign.MemorySegment;

/**
 * The arithmetic inner loops, all accumulating in float64 whatever the stored dtype ({@code f4} says the
 * segment holds float32). One scalar and one {@code jdk.incubator.vector} implementation; {@link Ops}
 * picks one at start-up.
 */
interface VectorOps {
    /** {@code Σ a[i] b[i]} over {@code n} elements of two rows of the same dtype. */
    double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4);

    /** {@code Σ (a[i] - b[i])²} over {@code n} elements of two rows of the same dtype. */
    double squaredDistance(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4);

    /**
     * The 4 x 2 block of dot products between four packed float64 rows {@code q[qOff + r*n ...]} (r = 0..3)
     * and two stored rows at {@code b0Off}, {@code b1Off}: {@code out[2r + c] = q_r · b_c}.
     */
    void dot4x2(double[] q, int qOff, int n, MemorySegment b, long b0Off, long b1Off, boolean f4, double[] out);

    /** Short name for logs and benchmarks. */
    String name();
}
