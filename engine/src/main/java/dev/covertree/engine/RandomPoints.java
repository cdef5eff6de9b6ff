package dev.covertree.engine;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The benchmark workloads' coordinates from a seed: standard normal (X ~ Normal(0, I_d), the gold, local,
 * euclid and scale workloads) or uniform on a box {@code [0, L]^d} (the spatial workloads). Java's
 * {@link SplittableRandom}, so the same seed gives the same points on every machine (not NumPy's).
 */
public final class RandomPoints {
    private RandomPoints() {
    }

    /** n x d float64 points in {@code arena}. */
    public static Matrix generate(String name, long n, int d, long seed, Arena arena) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, n * d)).asSlice(0, 8 * n * d);
        fill(s, n * d, seed);
        return new Matrix(name, s, NpyDType.F8, n, d);
    }

    /** n x d float64 points uniform on {@code [0, side]^d}, in {@code arena}. */
    public static Matrix uniform(String name, long n, int d, double side, long seed, Arena arena) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, n * d)).asSlice(0, 8 * n * d);
        fillUniform(s, n * d, side, seed);
        return new Matrix(name, s, NpyDType.F8, n, d);
    }

    /** Fills {@code count} float64 values of {@code s} uniform on {@code [0, side)}. */
    public static void fillUniform(MemorySegment s, long count, double side, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, side * rnd.nextDouble());
        }
    }

    /** Fills {@code count} float64 values of {@code s} (for example a mapped .npy file), standard normal. */
    public static void fill(MemorySegment s, long count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, rnd.nextGaussian());
        }
    }
}
