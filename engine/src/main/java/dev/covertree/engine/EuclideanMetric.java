package dev.covertree.engine;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.MemorySegment;

/** {@code ‖x_q − x_j‖₂}, accumulated in float64. */
final class EuclideanMetric extends Metric {
    /** Relative rounding allowance of a computed distance (a few ulps over d terms, generously). */
    private static final double ROUNDING = 1e-12;

    private final Matrix qc;
    private final Matrix dc;
    private final int d;
    private final boolean f4;

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
    }

    @Override
    public double distance(long q, long j) {
        return Math.sqrt(ops.squaredDistance(qc.segment(), qc.rowOffset(q), dc.segment(), dc.rowOffset(j), d, f4));
    }

    /**
     * The distance from query row {@code q} to row {@code index} of {@code rows}, a copy of this
     * dataset's coordinate rows in another order (same dtype): the same kernel on the same values, so
     * the same number as {@link #distance} for the point that row holds.
     */
    double distanceToCopy(long q, MemorySegment rows, long index) {
        return Math.sqrt(ops.squaredDistance(qc.segment(), qc.rowOffset(q), rows, index * dc.cols() * dc.dtype().itemSize(),
                d, f4));
    }

    @Override
    boolean excludes(double dQueryCenter, double radius, double querySlack, double subtreeSlack, double bound) {
        return dQueryCenter - radius - ROUNDING * (dQueryCenter + radius) > bound;
    }
}
