package dev.covertree.engine;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code ‖x_q − x_j‖₂}, accumulated in float64. */
final class EuclideanMetric extends Metric {
    /** Relative rounding allowance of a computed distance (a few ulps over d terms, generously). */
    private static final double ROUNDING = 1e-12;

    private final Matrix qc;
    private final Matrix dc;
    private final int d;
    private final boolean f4;
    private final double boxShrink;

    EuclideanMetric(Dataset queries, Dataset data) {
        super(queries, data);
        this.qc = queries.coords();
        this.dc = data.coords();
        this.d = data.dimension();
        if (qc.dtype() != dc.dtype()) {
            throw new InvalidInputException(qc.name() + " is " + qc.dtype().code() + " but " + dc.name() + " is "
                    + dc.dtype().code() + " (query and dataset coordinates must have the same dtype)");
        }
        this.f4 = dc.dtype() == NpyDType.F4;
        this.boxShrink = 1 - 4.0 * (d + 2) * 0x1p-53;
    }

    @Override
    public double distance(long q, long j) {
        return Math.sqrt(ops.squaredDistance(qc.segment(), qc.rowOffset(q), dc.segment(), dc.rowOffset(j), d, f4));
    }

    /**
     * Up to this dimension the trees keep the coordinate rows again in node order (a node's rows are then
     * adjacent in memory; docs/benchmarks.md has the measurement); above it, the copy would cost more
     * memory than its locality saves.
     */
    static final int MAX_COPIED_DIMENSION = 32;

    @Override
    long recordBytes() {
        return d <= MAX_COPIED_DIMENSION ? d * dc.dtype().itemSize() : 0;
    }

    @Override
    void writeRecord(long j, MemorySegment dst, long off) {
        MemorySegment.copy(dc.segment(), dc.rowOffset(j), dst, off, recordBytes());
    }

    @Override
    long childDistances(int g, int active, MemorySegment records, int count, Worker w) {
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
                w.childDist[Worker.GROUP * i + b] = records == null ? distance(q, w.childPoint[i])
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
    double treeCoordinate(long j, int k) {
        return dc.get(j, k);
    }

    /** Few dimensions: the leaf's lane-wise sums are then the plain chain {@link #distance} computes. */
    @Override
    boolean leafColumns() {
        return d < ops.plainBelow();
    }

    @Override
    int leafWithin(MemorySegment columns, long off, int count, double bound, double[] x, Worker w) {
        return ops.distancesWithin(x, d, columns, off, count, bound, w.leafDist, w.leafWithin);
    }

    @Override
    void prepareBoundsQuery(long q, Worker w) {
        double[] x = w.boxQuery(d);
        for (int k = 0; k < d; k++) {
            x[k] = qc.get(q, k);
        }
    }

    /**
     * The distance to the box, from its computed square widened for rounding. Per dimension the gap
     * {@code t_k} to the box is at most the computed {@code |x_k − q_k|} of any point inside (rounding is
     * monotone), so {@code Σ t_k² ≤ Σ (x_k − q_k)²} term by term; the two sums are rounded in different
     * orders (this one an FMA chain, {@link #distance} in vector lanes), each within {@code γ_d} of its exact
     * value, so shrinking this one by {@code 4 (d + 2) u} keeps it below the computed square, and the
     * square root is monotone.
     */
    @Override
    double nodeLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, Worker w) {
        return boxLowerBound(nodes, layout, node, w.boxQuery, w.boxQuery);
    }

    /** The same argument for every query in the box {@code [lo, hi]} ({@link BoundsNodeLayout#gapSquared}). */
    @Override
    double boxLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, double[] lo, double[] hi) {
        return Math.sqrt(layout.gapSquared(nodes, node, lo, hi) * boxShrink);
    }

    /** {@link #nodeLowerBound} for many queries at once, lane by lane: the same formula, so the same bits. */
    @Override
    long nodeNear(MemorySegment nodes, BoundsNodeLayout layout, int node, double[] x, int stride, int count, double[] bound) {
        return ops.boxNear(x, stride, d, count, nodes, layout.boxLoAt(node), layout.boxHiAt(node), boxShrink, bound);
    }

    @Override
    boolean excludes(double dQueryCenter, double radius, double querySlack, double subtreeSlack, double bound) {
        return dQueryCenter - radius - ROUNDING * (dQueryCenter + radius) > bound;
    }
}
