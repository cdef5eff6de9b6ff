package dev.covertree.engine;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Standard normal coordinates from a seed, as SPEC section 7's workloads use (X ~ Normal(0, I_d)). Java's
 * {@link SplittableRandom}, so the same seed gives the same points on every machine (not NumPy's).
 */
public final class GaussianPoints {
    private GaussianPoints() {
    }

    /** n x d float64 points in {@code arena}. */
    public static Matrix generate(String name, long n, int d, long seed, Arena arena) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, n * d)).asSlice(0, 8 * n * d);
        fill(s, n * d, seed);
        return new Matrix(name, s, NpyDType.F8, n, d);
    }

    /** Fills {@code count} float64 values of {@code s} (for example a mapped .npy file). */
    public static void fill(MemorySegment s, long count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, rnd.nextGaussian());
        }
    }
}
