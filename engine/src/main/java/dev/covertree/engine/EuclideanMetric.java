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
     * Up to this dimension the tree keeps the coordinate rows again in node order (2.6x faster queries at
     * N = 2^18); above it, the copy would cost more memory than its locality saves.
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
            for (int i = 0; i < count; i++) {
                w.childDist[Worker.GROUP * i + b] = records == null ? distance(q, w.childPoint[i])
                        : Math.sqrt(ops.squaredDistance(qc.segment(), qc.rowOffset(q), records, w.childNode[i] * bytes, d, f4));
            }
        }
        return (long) count * Integer.bitCount(active);
    }

    @Override
    boolean excludes(double dQueryCenter, double radius, double querySlack, double subtreeSlack, double bound) {
        return dQueryCenter - radius - ROUNDING * (dQueryCenter + radius) > bound;
    }
}
