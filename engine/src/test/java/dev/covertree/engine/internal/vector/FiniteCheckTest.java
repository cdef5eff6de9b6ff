package dev.covertree.engine.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FiniteCheckTest {
    /** Finite values at the edges of the bit test: zeros, subnormals, the largest finite, signs. */
    private static final double[] EDGE_F8 = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE};
    private static final float[] EDGE_F4 = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE};
    private static final double[] BAD = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.longBitsToDouble(0x7FF0000000000001L), Double.longBitsToDouble(0xFFF8000000000000L)};
    private static final float[] BAD_F4 = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFC00000)};

    /** The first bad element, or -1; plain, for comparison. */
    private static long plain(MemorySegment s, long n, boolean f4) {
        for (long e = 0; e < n; e++) {
            double v = f4 ? s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e) : s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, e);
            if (!Double.isFinite(v)) {
                return e;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 15, 16, 17, 4095, 4096, 4097, 8191, 10_000})
    void findsTheFirstNaNOrInfinityAtAnyIndexAndAlignment(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        for (boolean f4 : new boolean[] {true, false}) {
            int item = f4 ? 4 : 8;
            // the array starts at byte 0, 4 or 12 of its segment: words straddle elements whatever the alignment
            for (int shift : new int[] {0, 4, 12}) {
                for (int trial = 0; trial < 8; trial++) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment s = arena.allocate((long) item * n + shift + 16, 16).asSlice(shift);
                        for (long e = 0; e < n; e++) {
                            if (f4) {
                                float v = rnd.nextInt(4) == 0 ? EDGE_F4[rnd.nextInt(EDGE_F4.length)] : (float) rnd.nextDouble(-1e30, 1e30);
                                s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e, v);
                            } else {
                                double v = rnd.nextInt(4) == 0 ? EDGE_F8[rnd.nextInt(EDGE_F8.length)] : rnd.nextDouble(-1e300, 1e300);
                                s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, e, v);
                            }
                        }
                        // trial 0 stays finite; the others plant bad values, the last one at the final element
                        for (int c = 0; n > 0 && c < trial; c++) {
                            long at = trial == 7 && c == 0 ? n - 1 : rnd.nextInt(n);
                            if (f4) {
                                s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at, BAD_F4[rnd.nextInt(BAD_F4.length)]);
                            } else {
                                s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at, BAD[rnd.nextInt(BAD.length)]);
                            }
                        }
                        long want = plain(s, n, f4);
                        if (trial == 0) {
                            assertEquals(-1, want);
                        }
                        assertEquals(want, FiniteCheck.firstNonFinite(s, n, f4), (f4 ? "f4" : "f8") + " n=" + n + " shift=" + shift
                                + " trial=" + trial);
                    }
                }
            }
        }
    }
}
