package dev.covertree.engine.internal.vector;

/**
 * A tile of dataset rows as {@link VectorOps#residualScreen} reads them, with what it writes back: each
 * row's scaled coordinates (column by column), {@code 1/√p} and the computed norm {@code ‖V_j‖}; the rows whose
 * lower bound is within the caller's bound, and for those rows the lower and upper bounds on the squared
 * distance (before the square root, see {@link VectorOps#residualScreen}).
 * One per search thread, refilled for every tile.
 */
public final class ScreenTile {
    final int capacity;
    final int dim;
    /** Allowance per unit of {@code ‖V_q‖ ‖V_j‖} for two dot products summed in different orders. */
    final double rel;
    final double[] coords;
    final double[] isp;
    final double[] norm;
    final double[] lower;
    final double[] upper;
    final int[] within;

    /**
     * Room for {@code capacity} rows of {@code dim} coordinates and {@code m} V columns.
     *
     * <p>Any two ways of summing {@code Σ_u a_u b_u} in float64 (in any order, with or without FMA) are each
     * within {@code γ_m Σ|a_u b_u|} of the exact sum, {@code γ_m = m u / (1 − m u)}, u = 2⁻⁵³, so they differ by
     * at most {@code 2 γ_m ‖a‖ ‖b‖} (Cauchy–Schwarz on |a|, |b|). The computed norms are within {@code γ_(m+1)}
     * of the exact ones, and forming {@code dot ± e} rounds once more, by at most {@code u (|dot| + e)}, with
     * {@code |dot| ≤ (1 + γ_m) ‖a‖ ‖b‖}. All of that is below {@code (2m + 2) u ‖a‖ ‖b‖ (1 + 3 γ_(m+2))}; the
     * allowance {@code 3 (m + 4) u} per unit of the computed norms covers it for every m with m u &lt; 0.01,
     * and {@link #TINY} covers products that underflow (each loses at most 2⁻¹⁰⁷⁴).
     */
    public ScreenTile(int capacity, int dim, int m) {
        this.capacity = capacity;
        this.dim = dim;
        this.rel = 3.0 * (m + 4) * 0x1p-53;
        this.coords = new double[capacity * dim];
        this.isp = new double[capacity];
        this.norm = new double[capacity];
        this.lower = new double[capacity];
        this.upper = new double[capacity];
        this.within = new int[capacity];
    }

    /** The factors that widen {@code 1/√p_q} upwards and downwards (see {@link VectorOps#residualScreen}). */
    static final double WIDEN_UP = 1 + 0x1p-48;
    static final double WIDEN_DOWN = 1 - 0x1p-48;

    /** Absolute allowance for underflowing products: far above m 2⁻¹⁰⁷⁴ for any m, far below any distance's resolution. */
    static final double TINY = 1e-300;

    /** Sets row i's scaled coordinate k. */
    public void setCoordinate(int i, int k, double coordinate) {
        coords[k * capacity + i] = coordinate;
    }

    /** Sets row i's {@code 1/√p} and computed norm {@code ‖V_i‖}. */
    public void setScales(int i, double invSqrtP, double vNorm) {
        isp[i] = invSqrtP;
        norm[i] = vNorm;
    }

    /** Rows this tile holds at most. */
    public int capacity() {
        return capacity;
    }

    /** The screen's c-th row within the bound (c below the count it returned). */
    public int within(int c) {
        return within[c];
    }

    /** Row i's lower bound on {@code 1 − min(|ρ̃|, 1)}, from the last screen. */
    public double lower(int i) {
        return lower[i];
    }

    /** Row i's upper bound on {@code 1 − min(|ρ̃|, 1)}, from the last screen. */
    public double upper(int i) {
        return upper[i];
    }
}
