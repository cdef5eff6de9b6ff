package dev.covertree.engine.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds the first NaN or infinity in a stored array: a test of exponent bits, one implementation for both
 * kernel sets.
 *
 * <h2>Why not a Vector API kernel</h2>
 * The check runs once per input, early in every process, over the whole of V: while the JIT has not yet
 * compiled it, a {@code jdk.incubator.vector} loop runs the API's Java fallback, which allocates an object per
 * operation (a cold check of a 128 MB V took several times as long as the load it belongs to, and flooded the
 * compiler's queue with the fallback's methods ahead of the search kernels). This loop is plain arithmetic on
 * {@code long} words: fast from the first iteration, and the JIT vectorises its OR-reduction once hot.
 *
 * <h2>Why the bit test is exact</h2>
 * A float is NaN or infinite exactly when its exponent field is all ones. Masking a word to the exponent
 * fields and adding one unit of each field's lowest bit sets a field's top neighbour bit (bit 31 of a float32
 * half, bit 63 of a float64) exactly when that field was all ones: an all-ones float32 field
 * {@code 0x7F800000} plus {@code 0x00800000} is {@code 0x80000000}, any other field sums to at most
 * {@code 0x7F800000}; the sign bits were masked away, and the low half's sum stays below 2³², so no carry reaches
 * the high half. A block whose OR of those bits is not 0 is then searched element by element for the first.
 */
public final class FiniteCheck {
    private static final long F4_EXPONENTS = 0x7F8000007F800000L;
    private static final long F4_UNITS = 0x0080000000800000L;
    private static final long F4_TOPS = 0x8000000080000000L;
    private static final long F8_EXPONENT = 0x7FF0000000000000L;
    private static final long F8_UNIT = 0x0010000000000000L;
    private static final long F8_TOP = 0x8000000000000000L;
    /** Words tested per block before looking at the block's verdict. */
    private static final int BLOCK_WORDS = 2048;

    private FiniteCheck() {
    }

    /**
     * The index of the first NaN or infinite element among the {@code count} float32 ({@code f4}) or float64
     * values from the start of {@code s}, or −1 when all are finite.
     */
    public static long firstNonFinite(MemorySegment s, long count, boolean f4) {
        long words = f4 ? count / 2 : count;
        long mask = f4 ? F4_EXPONENTS : F8_EXPONENT;
        long unit = f4 ? F4_UNITS : F8_UNIT;
        long top = f4 ? F4_TOPS : F8_TOP;
        long[] staged = new long[(int) Math.min(words, BLOCK_WORDS)];
        for (long block = 0; block < words; block += BLOCK_WORDS) {
            long end = Math.min(words, block + BLOCK_WORDS);
            int staging = (int) (end - block);
            MemorySegment.copy(s, ValueLayout.JAVA_LONG_UNALIGNED, 8 * block, staged, 0, staging);
            long flags = 0;
            for (int w = 0; w < staging; w++) {
                flags |= ((staged[w] & mask) + unit) & top;
            }
            if (flags != 0) {
                long perWord = f4 ? 2 : 1;
                return firstIn(s, block * perWord, end * perWord, f4);
            }
        }
        // an odd float32 count leaves one element outside the words
        return f4 && (count & 1) == 1 ? firstIn(s, count - 1, count, f4) : -1;
    }

    /** The first non-finite element with index in {@code [from, to)}, or −1. */
    private static long firstIn(MemorySegment s, long from, long to, boolean f4) {
        for (long e = from; e < to; e++) {
            double v = f4 ? s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e) : s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, e);
            if (!Double.isFinite(v)) {
                return e;
            }
        }
        return -1;
    }
}
