package dev.covertree.engine.internal.vector;


import java.lang.foreign.MemorySegment;

/**
 * The arithmetic inner loops, all in float64 whatever the stored dtype ({@code f4} says a segment holds
 * float32). One scalar and one {@code jdk.incubator.vector} implementation; {@link Ops} picks one at
 * start-up. Within one implementation, {@link #dot} and {@link #dot4x4} sum in the same order and
 * {@link #residualDistances} matches {@link ResidualFormula#distance} bit for bit, so every engine sees
 * identical distances.
 */
public interface VectorOps {
    /** {@code Σ a[i] b[i]} over {@code n} elements of two stored rows of the same dtype. */
    public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4);

    /**
     * {@code a · a} for one stored row, given widened to float64 in {@code a[off, off + n)} (widening is exact):
     * the same bits as {@link #dot}{@code (a, a)} over the stored row, computed by plain scalar code on an
     * array. For passes over every row that run once, early in a process (the row norms), where a vector kernel
     * would run the Vector API's interpreted form, which allocates per operation, for most of the pass, and a
     * loop over segment elements costs many times one over array elements.
     */
    public double squaredNormPlain(double[] a, int off, int n);

    /**
     * {@code out[outOff + c] = a · b_c} for the four rows of {@code b} at {@code b0 … b3}, each summed exactly
     * as {@link #dot} sums: one pass over {@code a} serves four rows, whose loads are independent.
     */
    public void dot1x4(MemorySegment a, long aOff, MemorySegment b, long b0, long b1, long b2, long b3, int n, boolean f4,
                double[] out, int outOff);

    /**
     * {@code Σ (a[i] - b[i])²} over {@code n} elements of two stored rows of the same dtype. For
     * {@code n < }{@link #plainBelow()} it is exactly the plain chain {@code acc = fma(a_i − b_i, a_i − b_i, acc)}
     * in element order from 0, so a caller may compute it inline for few dimensions.
     */
    public double squaredDistance(MemorySegment a, long aOff, MemorySegment b, long bOff, int n, boolean f4);

    /**
     * Distances from a query to the first {@code count} of a run of {@code stride} float64 points stored column by
     * column ({@code s} at {@code off}: coordinate k of point i at {@code off + 8 (k stride + i)}), keeping those
     * within a bound:
     * {@code dist[i] = √(Σ_k (q[k] − x_ik)²)} for every i &lt; count, the sum the plain FMA chain in k order
     * (so for {@code dim < }{@link #plainBelow()} the same bits as {@link #squaredDistance} of the rows), and
     * the i with {@code dist[i] ≤ bound}, increasing, in {@code within}. Returns how many are within.
     */
    int distancesWithin(double[] q, int dim, MemorySegment s, long off, int stride, int count, double bound, double[] dist,
                        int[] within);

    /**
     * Which of {@code count} (at most 64) points may be within their own bound of a box: bit i is set unless
     * {@code √(scale Σ_k t_k²) > bound[i]}, where {@code t_k = max(lo_k − x_ki, x_ki − hi_k, 0)} is point i's gap
     * to the box in dimension k, the sum the plain FMA chain in k order. The points are stored column by
     * column ({@code x_ki = x[k stride + i]}), the box as float64 {@code lo_k} at {@code loOff + 8k} and
     * {@code hi_k} at {@code hiOff + 8k} in {@code s}.
     */
    long boxNear(double[] x, int stride, int dim, int count, MemorySegment s, long loOff, long hiOff, double scale,
                 double[] bound);

    /** Lanes of a wide bounds-tree node, the arrays of {@link #wideNearFar} and {@link #wideIntervals}. */
    int WIDE_LANES = 8;

    /**
     * For each of the {@link #WIDE_LANES} boxes of a wide node, lane l: {@code near[l]}, the sum of {@code t_k²}
     * with {@code t_k = max(lo_kl − x_k, x_k − hi_kl, 0)} the gap from {@code x} to the box, and {@code far[l]},
     * the sum of {@code f_k²} with {@code f_k = max(|x_k − lo_kl|, |x_k − hi_kl|)}, each the plain FMA chain in k
     * order (the operations of the binary layout's {@code nearFarSquared}, so the same bits). The boxes are
     * float64 at {@code off}: {@code lo_kl} at {@code off + 8 (2 WIDE_LANES k + l)}, {@code hi_kl} {@code WIDE_LANES}
     * doubles after it.
     */
    void wideNearFar(MemorySegment s, long off, int dim, double[] x, double[] near, double[] far);

    /**
     * Interval sums over {@code count} columns {@code u = cols[i]}, in that order, for each lane l of a wide node:
     * with {@code a = q[u] vLo_ul} and {@code b = q[u] vHi_ul}, {@code lo[l] = Σ min(a, b)},
     * {@code hi[l] = Σ max(a, b)} and {@code abs[l] = Σ max(|a|, |b|)}, each summed from 0 in column order.
     * {@code vLo_ul} is float32 at {@code off + stride u + 4l}, {@code vHi_ul} 32 bytes after it.
     */
    void wideIntervals(MemorySegment s, long off, long stride, int[] cols, int count, double[] q, double[] lo, double[] hi,
                       double[] abs);

    /** Copies a stored row into {@code dst} as float64. */
    public void pack(MemorySegment s, long off, int n, boolean f4, double[] dst, int dstOff);

    /**
     * The 4 x 4 dot products of packed rows {@code q[qOff + r n …]} and {@code b[bOff + c n …]}:
     * {@code out[4r + c] = q_r · b_c}, each summed exactly as {@link #dot} sums.
     */
    public void dot4x4(double[] q, int qOff, double[] b, int bOff, int n, double[] out);

    /**
     * {@code out[i] = Σ_k (q[qOff + k n + i] − t[tOff + k n + i])²} for i &lt; n, accumulated with FMA in k order:
     * squared distances of n pairs whose coordinates are laid out dimension by dimension.
     */
    public void squaredDistances(double[] q, int qOff, double[] t, int tOff, int dim, double[] out, int n);

    /** {@code out[i] = ResidualFormula.distance(type, variance, s2[i], dot[i], ispQ[i], ispJ[i])} for i &lt; n. */
    public void residualDistances(KernelShape type, double variance, double[] s2, double[] dot, double[] ispQ, double[] ispJ,
                           double[] out, int n);

    /**
     * Bounds on the residual distances of one query to rows {@code [from, from + n)} of {@code tile}, given
     * their dot products g = {@code dot[dotOff + i − from]} summed in another order than {@link #dot} sums (a BLAS product).
     * The distance {@link ResidualFormula#distance} computes from {@link #dot}'s sum d is
     * {@code fl√(1 − min(|ρ̃|, 1))} with {@code ρ̃ = fl(fl(c ispQ) ispJ)}, {@code c = fl(k̃ − d)}, k̃ the computed
     * {@code σ² corr}, which is computed here by exactly the same operations (the query's scaled coordinates
     * {@code qx} against the row's, the same FMA chain, the same exponential). With u = 2⁻⁵³ and
     * {@code |d − g| ≤ E ≤ e / 1.4}, {@code e = rel ‖V_q‖ ‖V_j‖ + TINY} ({@link ScreenTile}), and {@code t = |fl(k̃ − g)|}:
     * <ul>
     *   <li>{@code |c| ≤ (1 + u) |k̃ − d| ≤ (1 + u)(t / (1 − u) + E) ≤ (t + e)(1 + 3u)}, so {@code |ρ̃| ≤ |c| ispQ ispJ (1 + u)²}
     *       is at most {@code most = fl(fl(t + e) fl(ispJ fl(ispQ (1 + 2⁻⁴⁸))))}: the rounding of those three
     *       products and one sum loses at most 4u, and 2⁻⁴⁸ = 32u;</li>
     *   <li>likewise {@code |c| ≥ (1 − u)(t (1 − u) − E) ≥ (t − e)(1 − u)²} where positive (as {@code e (1 − u) ≥ E}),
     *       and {@code |ρ̃| ≥ |c| ispQ ispJ (1 − u)²}, so {@code |ρ̃| ≥ least = fl(max(fl(t − e), 0) fl(ispJ fl(ispQ (1 − 2⁻⁴⁸))))}.</li>
     * </ul>
     * Lists the rows with {@code lower = 1 − min(most, 1) ≤ bound}, increasing, in {@code tile.within}, returns
     * how many, and writes for each of them {@code tile.lower(i) = lower} and {@code tile.upper(i) = 1 − min(least, 1)},
     * the squares before the square root: as every step after ρ̃ is monotone, their computed square roots bound
     * the computed distance from below and above. Other rows' values may be left unwritten. Both
     * implementations list the same rows and write the same values.
     */
    int residualScreen(KernelShape type, double variance, ScreenTile tile, int from, int n, double[] dot, int dotOff,
                       double[] qx, double qIsp, double qNorm, double bound);

    /** Row lengths below this are summed by {@link #squaredDistance} as one plain FMA chain. */
    int plainBelow();

    /** Short name for logs and benchmarks. */
    public String name();
}
