package dev.covertree.engine.metric;

import dev.covertree.engine.KernelType;
import dev.covertree.engine.internal.vector.ResidualFormula;

/**
 * Bounds on the computed kernel value {@code σ² corr(s²)} over a range of scaled squared distances, from a
 * table of the canonical {@link ResidualFormula#correlation} at evenly spaced distances: a table lookup and
 * a square root where the kernel itself costs a square root and an exponential's polynomial. The bounds
 * tree asks for two per node it bounds.
 *
 * <h2>Why the bounds hold, rounding included</h2>
 * Entry i is the computed correlation at the grid distance {@code s_i = i Δ} (its square rounded once, so the
 * distance evaluated is within an ulp of {@code s_i}). For a query distance {@code s} the lookups step two
 * cells past the cell of the computed {@code ŝ = fl(√s²)}: {@link #upper} reads entry
 * {@code ⌊ŝ/Δ⌋ − 2}, whose grid distance lies more than a cell below every distance at least s (so
 * far from s that the roundings of ŝ, of {@code s_i²} and of the index arithmetic cannot reach it), and
 * {@link #lower} entry {@code ⌊ŝ/Δ⌋ + 2}, more than a cell above every distance at most s. The exact kernel
 * decreases in the distance, and the computed one is within {@code θ ≤ (3a + 10) u} of it, relative (a the
 * exponent; {@link ResidualMetric#KERNEL_REL} is forty times that): so the computed value at any distance
 * on the right side is at most (at least) the entry times {@code (1 ± θ)/(1 ∓ θ)}, which the
 * {@code 2 KERNEL_REL} widening covers, and {@link ResidualMetric#KERNEL_ABS} σ² absolute covers values the
 * exponential flushes to zero. Beyond the table's last distance {@code S_MAX} every kernel is below
 * 1e-27 of σ²: {@link #upper} returns the last entry (every farther value is below it) and {@link #lower}
 * returns its floor.
 */
final class KernelBounds {
    /** The table's last distance, in lengthscales. */
    static final double S_MAX = 64;
    /** Cells of the table: a cell is 1/256 lengthscale. */
    static final int CELLS = 16384;
    private static final double DELTA = S_MAX / CELLS;
    private static final double INV_DELTA = CELLS / S_MAX;

    private final double[] upperTable;
    private final double[] lowerTable;
    private final double floor;

    KernelBounds(KernelType type, double variance) {
        upperTable = new double[CELLS + 1];
        lowerTable = new double[CELLS + 1];
        for (int i = 0; i <= CELLS; i++) {
            double s = i * DELTA;
            double c = variance * ResidualFormula.correlation(type.shape(), s * s);
            upperTable[i] = c * (1 + 2 * ResidualMetric.KERNEL_REL) + ResidualMetric.KERNEL_ABS * variance;
            lowerTable[i] = c * (1 - 2 * ResidualMetric.KERNEL_REL) - ResidualMetric.KERNEL_ABS * variance;
        }
        floor = -ResidualMetric.KERNEL_ABS * variance;
    }

    /** At least the computed {@code σ² corr(t²)} for every {@code t² ≥ s2}. */
    double upper(double s2) {
        double cell = Math.sqrt(s2) * INV_DELTA;
        if (!(cell < CELLS)) {
            return upperTable[CELLS];
        }
        return upperTable[Math.max((int) cell - 2, 0)];
    }

    /** At most the computed {@code σ² corr(t²)} for every {@code 0 ≤ t² ≤ s2}. */
    double lower(double s2) {
        double cell = Math.sqrt(s2) * INV_DELTA;
        if (!(cell < CELLS - 2)) {
            return floor;
        }
        return lowerTable[(int) cell + 2];
    }
}
