package dev.covertree.engine.metric;

import dev.covertree.engine.KernelType;
import dev.covertree.engine.internal.vector.ResidualFormula;

/**
 * Bounds on the computed kernel value {@code σ² corr(s²)} over a range of scaled squared distances, from a
 * table of the canonical {@link ResidualFormula#correlation} at grid values of s² itself: an integer shift
 * of the argument's bits and a table read, where the kernel costs a square root and an exponential's
 * polynomial. The bounds tree asks for two per node it bounds.
 *
 * <h2>The grid</h2>
 * The cells split each binade of s² from {@code 2^MIN_EXP} to {@code 2^MAX_EXP} into
 * {@code 2^MANTISSA_BITS} equal parts: cell c holds the doubles whose bits, shifted right by
 * {@code 52 − MANTISSA_BITS}, are {@code FIRST + c}, so it is {@code [e_c, e_{c+1})} with {@code e_c} the double
 * of bits {@code (FIRST + c) << (52 − MANTISSA_BITS)}, a grid value that is itself a double. The bits of
 * non-negative doubles increase with their value, so the cell of an argument is found exactly: no rounding
 * lies between an argument and its cell, and a cell is at most {@code 2^−MANTISSA_BITS} of its s² wide, about
 * half that of its distance.
 *
 * <h2>Why the bounds hold, rounding included</h2>
 * Each entry is the canonical kernel computed at a grid value exactly, {@code σ² corr̃(e_c)}. The exact kernel
 * decreases in s², and the computed one is within {@code θ ≤ (3a + 10) u} of it, relative (a the exponent;
 * {@link ResidualMetric#KERNEL_REL} is forty times that). {@link #upper} of an argument in cell c reads the
 * entry at {@code e_c}, at most the argument: for every {@code t² ≥ e_c}, {@code corr̃(t²) ≤ corr̃(e_c)
 * (1 + θ)/(1 − θ)}, which the entry's {@code 2 KERNEL_REL} widening covers. {@link #lower} reads the entry at
 * {@code e_{c+1}}, above the argument: for every {@code t² ≤ e_{c+1}}, {@code corr̃(t²) ≥ corr̃(e_{c+1})
 * (1 − θ)/(1 + θ)}. {@link ResidualMetric#KERNEL_ABS} σ² absolute covers values the exponential flushes to
 * zero, and the product with σ², rounded monotonically in the entry and in the distance alike, keeps the
 * order. Below the first cell
 * {@link #upper} answers the kernel at 0 (its largest value) and {@link #lower} the entry at the first grid
 * value; at and beyond {@code 2^MAX_EXP} (64 lengthscales squared, where every kernel is below 1e-27 of σ²)
 * {@link #upper} answers the entry there and {@link #lower} its floor, {@code −KERNEL_ABS σ²}, below any
 * computed value (none is negative). A NaN or +∞ argument has bits beyond the last cell and is answered as a
 * far one.
 */
final class KernelBounds {
    /** Bits of s²'s mantissa that pick a cell within its binade. */
    static final int MANTISSA_BITS = 8;
    /** s² below {@code 2^MIN_EXP} falls below the first cell. */
    static final int MIN_EXP = -24;
    /** s² at or above {@code 2^MAX_EXP} (64² lengthscales squared) falls beyond the last cell. */
    static final int MAX_EXP = 12;
    private static final int SHIFT = 52 - MANTISSA_BITS;
    private static final long FIRST = Double.doubleToRawLongBits(Math.scalb(1.0, MIN_EXP)) >>> SHIFT;
    /** Cells of the grid. */
    static final int CELLS = (MAX_EXP - MIN_EXP) << MANTISSA_BITS;

    /** Entry 0: the kernel at 0; entry c + 1: at {@code e_c}, c in [0, CELLS]; both widened up. */
    private final double[] upperTable;
    /** Entry c: at {@code e_c}, c in [0, CELLS], widened down; entry CELLS + 1: the floor. */
    private final double[] lowerTable;

    KernelBounds(KernelType type, double variance) {
        upperTable = new double[CELLS + 2];
        lowerTable = new double[CELLS + 2];
        upperTable[0] = widenUp(variance * ResidualFormula.correlation(type.shape(), 0), variance);
        for (int c = 0; c <= CELLS; c++) {
            double k = variance * ResidualFormula.correlation(type.shape(), gridValue(c));
            upperTable[c + 1] = widenUp(k, variance);
            lowerTable[c] = k * (1 - 2 * ResidualMetric.KERNEL_REL) - ResidualMetric.KERNEL_ABS * variance;
        }
        lowerTable[CELLS + 1] = -ResidualMetric.KERNEL_ABS * variance;
    }

    private static double widenUp(double k, double variance) {
        return k * (1 + 2 * ResidualMetric.KERNEL_REL) + ResidualMetric.KERNEL_ABS * variance;
    }

    /** The grid value {@code e_c}: the smallest s² of cell c (c = CELLS: {@code 2^MAX_EXP}). */
    static double gridValue(int c) {
        return Double.longBitsToDouble((FIRST + c) << SHIFT);
    }

    /**
     * The cell of {@code s2} plus one, clamped to [0, CELLS + 1]: 0 below the first cell, CELLS + 1 beyond the
     * last. A sum of squares is never below +0, but −0.0 would have the bits of a NaN's neighbour: it is taken
     * as the +0 it equals.
     */
    private static int slot(double s2) {
        long cell = (Double.doubleToRawLongBits(Math.max(s2, 0.0)) >>> SHIFT) - FIRST;
        return (int) Math.min(Math.max(cell, -1), CELLS) + 1;
    }

    /** At least the computed {@code σ² corr(t²)} for every {@code t² ≥ s2}. */
    double upper(double s2) {
        return upperTable[slot(s2)];
    }

    /** At most the computed {@code σ² corr(t²)} for every {@code 0 ≤ t² ≤ s2}. */
    double lower(double s2) {
        return lowerTable[slot(s2)];
    }
}
