package dev.covertree.engine;

import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The points a search runs over: coordinates (N x d) and, for the residual metric, V (N x m), p (N) and
 * the kernel. The big arrays stay where the caller put them (a mapped {@code .npy} file, or memory the
 * caller owns) and are never copied; only cheap per-point values are derived (scaled coordinates,
 * {@code 1/√p}, and for Euclidean coordinates of extreme magnitude a copy rescaled by a power of two).
 * Everything is validated once, here: shapes agree, values are finite, p &gt; 0.
 *
 * <p>The caller keeps the arrays alive while the dataset is in use; {@link #close()} frees the derived
 * values only.
 */
public final class Dataset implements AutoCloseable {
    /** Coordinates whose largest magnitude has a binary exponent within ± this are not rescaled. */
    private static final int UNSCALED_EXPONENT = 400;

    private final MetricType metric;
    private final Matrix coords;
    private final Matrix v;
    private final Matrix p;
    private final Kernel kernel;
    /** The largest coordinate magnitude (Euclidean; a prefix keeps its parent's, an upper bound; 0 for residual). */
    private final double coordinateReach;
    private final int coordinateExponent;
    private Arena derived;
    private final MemorySegment scaled;
    private final MemorySegment invSqrtP;
    // made on first use under the lock, then read without it: the engines' threads ask for them per query and
    // per point (a slice of the parent's, for a dataset over its first rows, is made once too)
    private volatile MemorySegment pointSlack;
    private volatile MemorySegment vNorms;
    /** The coordinates times 2^−{@link #rescaledExponent}, made on first use (Euclidean, extreme magnitudes only). */
    private Matrix rescaled;
    private int rescaledExponent;
    /** The dataset this one is the first rows of ({@link #prefix}), or null. */
    private final Dataset parent;

    private Dataset(MetricType metric, Matrix coords, Matrix v, Matrix p, Kernel kernel) {
        this.parent = null;
        this.metric = metric;
        this.coords = coords;
        this.v = v;
        this.p = p;
        this.kernel = kernel;
        this.coordinateReach = metric == MetricType.EUCLIDEAN ? coords.maxAbs() : 0;
        // float32 coordinates are never rescaled: their squares always fit float64's normal range
        this.coordinateExponent = metric == MetricType.EUCLIDEAN && coords.dtype() == NpyDType.F8
                ? exponentFor(coordinateReach) : 0;
        if (metric == MetricType.RESIDUAL) {
            this.derived = Arena.ofShared();
            long n = coords.rows();
            int d = (int) coords.cols();
            this.scaled = derived.allocate(ValueLayout.JAVA_DOUBLE, n * d);
            this.invSqrtP = derived.allocate(ValueLayout.JAVA_DOUBLE, n);
            // a chunk of rows at a time through the heap ({@link Matrix#copyRows}): this pass runs before the JIT
            // has compiled it
            int chunk = Math.max(1, Matrix.STAGED_ELEMENTS / Math.max(d, 1));
            double[] x = new double[chunk * d];
            double[] pv = new double[chunk];
            double[] lengthscale = new double[d];
            for (int k = 0; k < d; k++) {
                lengthscale[k] = kernel.lengthscale(k);
            }
            for (long from = 0; from < n; from += chunk) {
                int count = (int) Math.min(chunk, n - from);
                coords.copyRows(from, count, x);
                p.copyRows(from, count, pv);
                for (int i = 0; i < count; i++) {
                    for (int k = 0; k < d; k++) {
                        double c = x[i * d + k];
                        x[i * d + k] = c / lengthscale[k];
                        if (!Double.isFinite(x[i * d + k])) {
                            close();
                            throw new InvalidInputException(coords.name() + ": coordinate (" + (from + i) + ", " + k + ") = "
                                    + c + " divided by the lengthscale " + lengthscale[k] + " is beyond float64's range");
                        }
                    }
                    pv[i] = 1.0 / Math.sqrt(pv[i]);
                }
                MemorySegment.copy(x, 0, scaled, ValueLayout.JAVA_DOUBLE, 8 * from * d, count * d);
                MemorySegment.copy(pv, 0, invSqrtP, ValueLayout.JAVA_DOUBLE, 8 * from, count);
            }
        } else {
            this.scaled = null;
            this.invSqrtP = null;
        }
    }

    /**
     * The exponent e that float64 coordinates of largest magnitude {@code maxAbs} are rescaled by (times 2^−e):
     * 0 within 2^±400, where they are used as they are; otherwise the exponent of {@code maxAbs}, so that
     * squared differences neither overflow (d ≤ 2^20 terms of at most (2^401)² stay below 2^823) nor lose bits
     * to underflow where the data's own spread lies.
     */
    public static int exponentFor(double maxAbs) {
        int e = maxAbs == 0 ? 0 : Math.getExponent(maxAbs);
        return e < -UNSCALED_EXPONENT || e > UNSCALED_EXPONENT ? e : 0;
    }

    /** The largest magnitude of the coordinates (Euclidean; for a {@link #prefix}, its parent's). */
    public double coordinateReach() {
        return coordinateReach;
    }

    /**
     * The binary exponent e of the Euclidean metric's working units: distances are computed between the
     * coordinates times 2^−e and multiplied by 2^e at the end ({@code Metric.unit}). 0, no rescaling, for
     * coordinates of ordinary magnitude and for the residual metric.
     */
    public int coordinateExponent() {
        return coordinateExponent;
    }

    /**
     * The coordinates times 2^−e as float64: the coordinates themselves for e = 0, otherwise a copy made on
     * first use (N x d doubles off-heap, kept until {@link #close}).
     */
    public synchronized Matrix coordinatesScaledBy(int e) {
        if (e == 0) {
            return coords;
        }
        if (parent != null) {
            return parent.coordinatesScaledBy(e).firstRows(size());
        }
        if (rescaled == null || rescaledExponent != e) {
            if (derived == null) {
                derived = Arena.ofShared();
            }
            long n = coords.rows();
            int d = (int) coords.cols();
            MemorySegment s = derived.allocate(ValueLayout.JAVA_DOUBLE, n * d);
            for (long i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    s.setAtIndex(ValueLayout.JAVA_DOUBLE, i * d + k, Math.scalb(coords.get(i, k), -e));
                }
            }
            rescaled = new Matrix(coords.name(), s, NpyDType.F8, n, d);
            rescaledExponent = e;
        }
        return rescaled;
    }


    /** The first {@code rows} points of {@code parent}, sharing its arrays and derived values. */
    private Dataset(Dataset parent, long rows) {
        this.parent = parent;
        this.metric = parent.metric;
        this.coords = parent.coords.firstRows(rows);
        this.v = parent.v == null ? null : parent.v.firstRows(rows);
        this.p = parent.p == null ? null : parent.p.firstRows(rows);
        this.kernel = parent.kernel;
        this.coordinateReach = parent.coordinateReach;
        this.coordinateExponent = parent.coordinateExponent;
        int d = (int) coords.cols();
        this.scaled = parent.scaled == null ? null : parent.scaled.asSlice(0, 8L * rows * d);
        this.invSqrtP = parent.invSqrtP == null ? null : parent.invSqrtP.asSlice(0, 8L * rows);
    }

    /**
     * The first {@code rows} points as a dataset of their own: the same ids, the same arrays and derived values
     * (sliced, not copied or checked again), the same working units. A predecessor search whose query may only
     * see ids below {@code rows} searches a tree over it ({@code BoundsTree.buildPrefixes}). Lives as long as
     * this dataset; closing it frees nothing.
     */
    public Dataset prefix(long rows) {
        if (rows < 1 || rows > size()) {
            throw new IllegalArgumentException("a prefix of " + rows + " rows of " + size());
        }
        return new Dataset(this, rows);
    }

    /** A dataset for the Euclidean metric. */
    public static Dataset euclidean(Matrix coords) {
        checkCoords(coords);
        return new Dataset(MetricType.EUCLIDEAN, coords, null, null, null);
    }

    /**
     * A dataset for the residual-correlation metric.
     *
     * @param coords N x d coordinates
     * @param v      N x m whitened cross-covariance to the inducing points
     * @param p      N residual variances, each finite and &gt; 0
     * @param kernel the kernel V and p were made with
     */
    public static Dataset residual(Matrix coords, Matrix v, Matrix p, Kernel kernel) {
        checkCoords(coords);
        if (kernel == null) {
            throw new InvalidInputException("the residual metric needs a kernel");
        }
        kernel.checkDimension((int) coords.cols());
        if (v.rows() != coords.rows()) {
            throw new InvalidInputException(v.name() + ": has " + v.rows() + " rows but " + coords.name() + " has "
                    + coords.rows() + " (shape mismatch)");
        }
        if (v.cols() < 1 || v.cols() > Integer.MAX_VALUE) {
            throw new InvalidInputException(v.name() + ": needs between 1 and 2^31-1 columns, has " + v.cols());
        }
        if (p.rows() != coords.rows() || p.cols() != 1) {
            throw new InvalidInputException(p.name() + ": expected shape (" + coords.rows() + ",) to match "
                    + coords.name() + ", got " + p.shape());
        }
        v.checkFinite();
        p.checkFinite();
        double[] staged = new double[Matrix.STAGED_ELEMENTS];
        for (long from = 0; from < p.rows(); from += staged.length) {
            int count = (int) Math.min(staged.length, p.rows() - from);
            p.copyRows(from, count, staged);
            for (int i = 0; i < count; i++) {
                if (!(staged[i] > 0)) {
                    throw new InvalidInputException(p.name() + ": p[" + (from + i) + "] = " + staged[i] + " (every p must be > 0)");
                }
            }
        }
        return new Dataset(MetricType.RESIDUAL, coords, v, p, kernel);
    }

    private static void checkCoords(Matrix coords) {
        if (coords.rows() < 1) {
            throw new InvalidInputException(coords.name() + ": no points (shape " + coords.shape() + ")");
        }
        if (coords.cols() < 1 || coords.cols() > 1 << 20) {
            throw new InvalidInputException(coords.name() + ": " + coords.cols() + " dimensions (expected 1 to 2^20)");
        }
        if (coords.rows() > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(coords.name() + ": " + coords.rows() + " points is more than this engine's "
                    + "limit of 2^31 - 9");
        }
        coords.checkFinite();
    }

    /** The metric this dataset was made for. */
    public MetricType metricType() {
        return metric;
    }

    /** Number of points N. */
    public long size() {
        return coords.rows();
    }

    /** Coordinate dimension d. */
    public int dimension() {
        return (int) coords.cols();
    }

    /** Number of inducing points m (0 for Euclidean). */
    public int inducing() {
        return v == null ? 0 : (int) v.cols();
    }

    /** The coordinates. */
    public Matrix coords() {
        return coords;
    }

    /** V, or null for Euclidean. */
    public Matrix v() {
        return v;
    }

    /** p, or null for Euclidean. */
    public Matrix p() {
        return p;
    }

    /** The kernel, or null for Euclidean. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * Checks that {@code queries} can be searched against this dataset: the same metric, dimension, V width
     * and kernel; the {@link InvalidInputException} names the query points' file.
     */
    public void checkQueries(Dataset queries) {
        String q = queries.coords.name();
        String x = coords.name();
        if (queries.metric != metric) {
            throw new InvalidInputException(q + ": query points use the " + queries.metric + " metric, " + x + " the " + metric);
        }
        if (queries.dimension() != dimension()) {
            throw new InvalidInputException(q + ": query points have " + queries.dimension() + " coordinates, "
                    + x + " has " + dimension());
        }
        if (queries.inducing() != inducing()) {
            throw new InvalidInputException(q + ": query points have V rows of " + queries.inducing() + " columns, the dataset's have "
                    + inducing());
        }
        if (kernel != null && !kernel.equals(queries.kernel)) {
            throw new InvalidInputException(q + ": query points were prepared with kernel " + queries.kernel + ", the dataset with "
                    + kernel);
        }
    }

    /**
     * Per point, how far the stored inputs may be from an exact correlation (a diagonal that does not
     * match p, and float64 rounding): the slack of the residual metric's pruning bound. Computed once,
     * O(N m), on first use; N doubles off-heap.
     */
    public MemorySegment pointSlack() {
        MemorySegment s = pointSlack;
        return s != null ? s : makePointSlack();
    }

    private synchronized MemorySegment makePointSlack() {
        if (pointSlack == null) {
            MemorySegment s;
            if (parent != null) {
                s = parent.pointSlack().asSlice(0, 8L * size());
            } else {
                s = derived.allocate(ValueLayout.JAVA_DOUBLE, size());
                slacks(s);
            }
            pointSlack = s;
        }
        return pointSlack;
    }

    /** Writes the slack s_i of every point into {@code out} (N doubles); see ResidualMetric's class comment. */
    private void slacks(MemorySegment out) {
        int m = inducing();
        double variance = kernel().variance();
        // k − V·V: each of the m + d + few terms rounds by at most one ulp of its magnitude; 4x for safety
        double ulps = 4 * (m + dimension() + 8) * Math.ulp(1.0);
        RowNorms norms = new RowNorms();
        double[] pv = new double[norms.chunk];
        for (long from = 0; from < size(); from += norms.chunk) {
            int count = norms.next(from);
            p.copyRows(from, count, pv);
            for (int i = 0; i < count; i++) {
                double v2 = norms.squared[i];
                double g = variance - v2;
                pv[i] = g > 0 ? Math.abs(Math.sqrt(g / pv[i]) - 1) + ulps * (variance + v2) / pv[i] : Double.POSITIVE_INFINITY;
            }
            MemorySegment.copy(pv, 0, out, ValueLayout.JAVA_DOUBLE, 8 * from, count);
        }
    }

    /**
     * {@code V_i · V_i} as the kernels compute it (float64 over the stored row), a chunk of rows at a time: the
     * one computation behind the row norms and the slacks, so both see the same bits. In plain code on rows
     * copied to the heap ({@link Matrix#copyRows}, {@link
     * dev.covertree.engine.internal.vector.VectorOps#squaredNormPlain}): the pass over every row can come first in
     * a process, before the JIT has compiled the vector kernels or the pass itself. (The bounds tree computes the
     * same values from the rows it reads anyway, {@code Metric#summaryNorm}, and never asks for this pass.)
     */
    private final class RowNorms {
        final int chunk = Math.max(1, Matrix.STAGED_ELEMENTS / Math.max(1, inducing()));
        final double[] rows = new double[chunk * inducing()];
        final double[] squared = new double[chunk];

        /** Rows {@code [from, from + count)}'s squared norms into {@link #squared}; returns count, at most {@link #chunk}. */
        int next(long from) {
            int count = (int) Math.min(chunk, size() - from);
            int m = inducing();
            v.copyRows(from, count, rows);
            for (int i = 0; i < count; i++) {
                squared[i] = Ops.IMPL.squaredNormPlain(rows, i * m, m);
            }
            return count;
        }
    }

    /** A computed norm {@code √(V_i · V_i)} of every V row, float64, N (residual only); made on first use. */
    public MemorySegment vNorms() {
        MemorySegment s = vNorms;
        return s != null ? s : makeVNorms();
    }

    private synchronized MemorySegment makeVNorms() {
        if (vNorms == null) {
            MemorySegment s;
            if (parent != null) {
                s = parent.vNorms().asSlice(0, 8L * size());
            } else {
                s = derived.allocate(ValueLayout.JAVA_DOUBLE, size());
                RowNorms norms = new RowNorms();
                for (long from = 0; from < size(); from += norms.chunk) {
                    int count = norms.next(from);
                    for (int i = 0; i < count; i++) {
                        norms.squared[i] = Math.sqrt(norms.squared[i]);
                    }
                    MemorySegment.copy(norms.squared, 0, s, ValueLayout.JAVA_DOUBLE, 8 * from, count);
                }
            }
            vNorms = s;
        }
        return vNorms;
    }

    /**
     * Checks that other threads may read the arrays: searches and builds run on worker threads, which
     * memory from a confined arena refuses.
     */
    public void checkSharedAccess(String purpose) {
        Thread other = new Thread(() -> { });
        for (Matrix x : new Matrix[] {coords, v, p}) {
            if (x != null && !x.segment().isAccessibleBy(other)) {
                throw new InvalidInputException(x.name() + ": its memory belongs to a confined arena, but " + purpose
                        + " runs on worker threads; allocate it with Arena.ofShared() or Arena.global()");
            }
        }
    }

    /** Coordinates divided by the lengthscales, float64, N x d (residual only; null otherwise). */
    public MemorySegment scaledCoordinates() {
        return scaled;
    }

    /** {@code 1 / √p_i}, float64, N (residual only; null otherwise). */
    public MemorySegment invSqrtP() {
        return invSqrtP;
    }

    /** True when V is stored as float32 (the kernels read it as stored). */
    public boolean vIsF4() {
        return v.dtype() == NpyDType.F4;
    }

    /** Frees the derived per-point values; the caller's arrays are untouched. */
    @Override
    public synchronized void close() {
        if (derived != null && derived.scope().isAlive()) {
            derived.close();
        }
    }
}
