package dev.covertree.engine.metric;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code ‖x_q − x_j‖₂}, accumulated in float64.
 *
 * <h2>Any magnitude</h2>
 * Coordinates of extreme magnitude are rescaled by the power of two {@link Dataset#coordinateExponent} picks
 * from the dataset, and every distance is computed between the rescaled rows and multiplied back at the
 * end ({@link #unit}, {@link #finishAnswer}). A power of two commutes with every rounding, so the rescaled
 * computation gives the bits the unscaled one would give if float64 had no exponent limits; for ordinary
 * magnitudes nothing is rescaled at all. What remains is checked on the answer: a distance float64 cannot
 * hold, or a pair closer than squares resolve at the data's scale, fails naming the file.
 */
final class EuclideanMetric extends Metric {
    /** Relative rounding allowance of a computed distance (a few ulps over d terms, generously). */
    private static final double ROUNDING = 1e-12;
    /**
     * A working distance below this has a square below 2^−1000: its terms may have lost bits to underflow,
     * so it is only trusted when it is an exact 0 between equal rows.
     */
    private static final double RESOLVED = 0x1p-500;
    /** A sum of d squares of rescaled coordinates up to this magnitude stays far from overflow. */
    private static final double SAFE_SUM = 0x1p1000;

    private final Matrix qc;
    private final Matrix dc;
    private final int d;
    private final boolean f4;
    private final double boxShrink;
    private final double unit;

    EuclideanMetric(Dataset queries, Dataset data) {
        // a job's length grows with both the points and the query rows (new points by coordinates may be many more)
        super(queries, data, Ops.forEuclidean(data.dimension(), Math.max(data.size(), queries.size())));
        Matrix qRaw = queries.coords();
        Matrix dRaw = data.coords();
        if (qRaw.dtype() != dRaw.dtype()) {
            throw new InvalidInputException(qRaw.name() + " is " + qRaw.dtype().code() + " but " + dRaw.name() + " is "
                    + dRaw.dtype().code() + " (query and dataset coordinates must have the same dtype)");
        }
        int exponent = data.coordinateExponent();
        this.unit = Math.scalb(1.0, exponent);
        this.qc = queries.coordinatesScaledBy(exponent);
        this.dc = data.coordinatesScaledBy(exponent);
        this.d = data.dimension();
        this.f4 = dc.dtype() == NpyDType.F4;
        this.boxShrink = 1 - 4.0 * (d + 2) * 0x1p-53;
        if (queries != data) {
            double reach = Math.scalb(queries.coordinateReach() + data.coordinateReach(), -exponent);
            if (!(reach * reach * d <= SAFE_SUM)) {
                throw new InvalidInputException(qRaw.name() + ": query coordinates reach " + queries.coordinateReach()
                        + ", so far beyond " + dRaw.name() + "'s (which reach " + data.coordinateReach()
                        + ") that their squared distances overflow float64");
            }
        }
    }

    @Override
    public double workingDistance(long q, long j) {
        return Math.sqrt(ops.squaredDistance(qc.segment(), qc.rowOffset(q), dc.segment(), dc.rowOffset(j), d, f4));
    }

    @Override
    double unit() {
        return unit;
    }

    /**
     * Multiplies the working distances by {@link #unit} (nothing to do when it is 1) and checks that each
     * answer is one float64 holds: finite, not subnormal, and, below {@link #RESOLVED} in working units,
     * an exact 0 between equal rows. Checking the answers suffices: a pair whose squares underflowed has a
     * computed distance below {@code RESOLVED} too (rounding is monotone), so it would rank ahead of any
     * resolved answer and be among them. A row is sorted, so only its head can be below {@code RESOLVED};
     * with a unit of 1 the coordinates lie within 2^±400 and no distance can overflow or be subnormal
     * without being below {@code RESOLVED}, so the rest of the row needs no look.
     */
    @Override
    public void finishAnswer(QuerySet qs, KnnResult out) {
        for (long s = 0; s < out.queries(); s++) {
            for (int c = 0; c < out.k() && out.index(s, c) >= 0; c++) {
                double w = out.distance(s, c);
                if (w >= RESOLVED) {
                    if (unit == 1) {
                        break;
                    }
                    double dist = w * unit;
                    if (Double.isInfinite(dist) || dist < Double.MIN_NORMAL) {
                        throw unrepresentable(qs, out, s, c, "beyond float64's range");
                    }
                    out.setDistance(s, c, dist);
                } else if (!(w == 0 && sameRow(qs.row(s), out.index(s, c)))) {
                    throw unrepresentable(qs, out, s, c, "too close to resolve in float64 next to the data's extent");
                }
            }
        }
    }

    private InvalidInputException unrepresentable(QuerySet qs, KnnResult out, long s, int c, String why) {
        return new InvalidInputException(String.format("%s: point %d is %.3g from %s %d, %s (coordinates reach %.3g)",
                dc.name(), out.index(s, c), out.distance(s, c) * unit, selfQueries() ? "point" : "query", qs.row(s), why,
                data.coordinateReach()));
    }

    private boolean sameRow(long q, long j) {
        for (int k = 0; k < d; k++) {
            if (qc.get(q, k) != dc.get(j, k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Up to this dimension the trees keep the coordinate rows again in node order (a node's rows are then
     * adjacent in memory; docs/benchmarks.md has the measurement); above it, the copy would cost more
     * memory than its locality saves.
     */
    static final int MAX_COPIED_DIMENSION = 32;

    @Override
    public long recordBytes() {
        return d <= MAX_COPIED_DIMENSION ? d * dc.dtype().itemSize() : 0;
    }

    @Override
    public void writeRecord(long j, MemorySegment dst, long off) {
        MemorySegment.copy(dc.segment(), dc.rowOffset(j), dst, off, recordBytes());
    }

    @Override
    public long childDistances(int g, int active, MemorySegment records, int count, Worker w) {
        long bytes = recordBytes();
        for (int b = 0; b < g; b++) {
            if ((active & 1 << b) == 0) {
                continue;
            }
            long q = w.groupRow[b];
            if (records != null && d < ops.plainBelow()) {
                plainRows(q, records, bytes, count, b, w);
                continue;
            }
            for (int i = 0; i < count; i++) {
                w.childDist[Worker.GROUP * i + b] = records == null ? workingDistance(q, w.childPoint[i])
                        : Math.sqrt(ops.squaredDistance(qc.segment(), qc.rowOffset(q), records, w.childNode[i] * bytes, d, f4));
            }
        }
        return (long) count * Integer.bitCount(active);
    }

    /**
     * The children's distances for few dimensions, inline: {@link VectorOps#squaredDistance} is then the plain
     * FMA chain this loop computes ({@link VectorOps#plainBelow}), so the numbers are the same bits, without a
     * call and a vector set-up per row.
     */
    private void plainRows(long q, MemorySegment records, long bytes, int count, int b, Worker w) {
        double[] x = w.scratch(Worker.PLAIN_QUERY, d);
        for (int k = 0; k < d; k++) {
            x[k] = qc.get(q, k);
        }
        int[] nodes = w.childNode;
        double[] out = w.childDist;
        for (int i = 0; i < count; i++) {
            long ro = nodes[i] * bytes;
            double acc = 0;
            if (f4) {
                for (int k = 0; k < d; k++) {
                    double t = x[k] - records.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ro + 4L * k);
                    acc = Math.fma(t, t, acc);
                }
            } else {
                for (int k = 0; k < d; k++) {
                    double t = x[k] - records.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, ro + 8L * k);
                    acc = Math.fma(t, t, acc);
                }
            }
            out[Worker.GROUP * i + b] = Math.sqrt(acc);
        }
    }

    @Override
    public double treeCoordinate(long j, int k) {
        return dc.get(j, k);
    }

    @Override
    public void treeCoordinates(long j, int count, double[] dst) {
        dc.copyRows(j, count, dst);
    }

    /** Few dimensions: the leaf's lane-wise sums are then the plain chain {@link #workingDistance} computes. */
    @Override
    public boolean leafColumns() {
        return d < ops.plainBelow();
    }

    @Override
    public int leafWithin(MemorySegment columns, long off, int stride, int count, double bound, double[] x, Worker w) {
        return ops.distancesWithin(x, d, columns, off, stride, count, bound, w.leafDist, w.leafWithin);
    }

    @Override
    public void prepareBoundsQuery(long q, Worker w) {
        double[] x = w.boxQuery(d);
        for (int k = 0; k < d; k++) {
            x[k] = qc.get(q, k);
        }
    }

    /**
     * The distance to the box, from its computed square widened for rounding. Per dimension the gap
     * {@code t_k} to the box is at most the computed {@code |x_k − q_k|} of any point inside (rounding is
     * monotone), so {@code Σ t_k² ≤ Σ (x_k − q_k)²} term by term; the two sums are rounded in different
     * orders (this one an FMA chain, {@link #workingDistance} in vector lanes), each within {@code γ_d} of its exact
     * value, so shrinking this one by {@code 4 (d + 2) u} keeps it below the computed square, and the
     * square root is monotone.
     */
    @Override
    public double nodeLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, Worker w) {
        return boxLowerBound(nodes, layout, node, w.boxQuery, w.boxQuery);
    }

    /** The same argument for every query in the box {@code [lo, hi]} ({@link BoundsNodeLayout#gapSquared}). */
    @Override
    public double boxLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, double[] lo, double[] hi) {
        return Math.sqrt(layout.gapSquared(nodes, node, lo, hi) * boxShrink);
    }

    /** {@link #nodeLowerBound} for many queries at once, lane by lane: the same formula, so the same bits. */
    @Override
    public long nodeNear(MemorySegment nodes, BoundsNodeLayout layout, int node, double[] x, int stride, int count, double[] bound) {
        return ops.boxNear(x, stride, d, count, nodes, layout.boxLoAt(node), layout.boxHiAt(node), boxShrink, bound);
    }

    @Override
    public boolean excludes(double dQueryCenter, double radius, double querySlack, double subtreeSlack, double bound) {
        return dQueryCenter - radius - ROUNDING * (dQueryCenter + radius) > bound;
    }
}
