package dev.covertree.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Exhaustive search over a block of queries at a time. For the residual metric the dot products are a
 * small matrix product: the block's V rows are packed as float64 once, and each pair of dataset rows,
 * read straight from the segment, is multiplied against four packed queries at a time
 * ({@link VectorOps#dot4x2}) while it sits in L1. Distances are bit-identical to {@link Metric#distance}.
 */
final class BlockedBruteForce {
    /** Queries per block: a multiple of 4; 32 rows of m = 512 float64 fit in L2. */
    static final int BLOCK = 32;

    private BlockedBruteForce() {
    }

    /** Answers queries [from, to) of {@code qs}, writing rows [from, to) of the result. */
    static void searchBlock(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        long n = metric.data().size();
        int b = (int) (to - from);
        long[] rows = rowsOf(qs, from, b, w);
        long jEnd = 0;
        for (int r = 0; r < b; r++) {
            jEnd = Math.max(jEnd, limit(qs, opt, rows[r], n));
        }
        if (metric instanceof ResidualMetric rm) {
            residual(rm, qs, opt, rows, b, jEnd, w);
        } else {
            // d is small for Euclidean data: no product to block, the per-pair kernel is the whole cost
            for (int r = 0; r < b; r++) {
                scanOne(metric, qs, opt, rows[r], w.heapFor(r), w);
            }
        }
        for (int r = 0; r < b; r++) {
            w.heapFor(r).drainTo(out.indices(), out.distances(), from + r);
        }
    }

    private static long[] rowsOf(QuerySet qs, long from, int b, Worker w) {
        long[] rows = w.blockRows;
        for (int r = 0; r < b; r++) {
            rows[r] = qs.row(from + r);
        }
        return rows;
    }

    static long limit(QuerySet qs, KnnOptions opt, long row, long n) {
        return qs.byId() && opt.predecessor() ? row : n;
    }

    static long exclude(QuerySet qs, KnnOptions opt, long row) {
        return qs.byId() && !opt.includeSelf() ? row : -1;
    }

    /** One query, one distance at a time: the {@link Engine#SCAN} engine, and the oracle of the tests. */
    static void scanOne(Metric metric, QuerySet qs, KnnOptions opt, long row, TopK heap, Worker w) {
        long limit = limit(qs, opt, row, metric.data().size());
        long exclude = exclude(qs, opt, row);
        for (long j = 0; j < limit; j++) {
            if (j != exclude) {
                heap.offer(metric.distance(row, j), j);
            }
        }
        w.distances += limit - (exclude >= 0 && exclude < limit ? 1 : 0);
    }

    private static void residual(ResidualMetric rm, QuerySet qs, KnnOptions opt, long[] rows, int b, long jEnd, Worker w) {
        int m = rm.inducing();
        boolean f4 = rm.vIsF4();
        Matrix qv = rm.queryV();
        Matrix dv = rm.dataV();
        MemorySegment dseg = dv.segment();
        int padded = (b + 3) & ~3;
        double[] block = w.packBlock(padded * m);
        for (int r = 0; r < padded; r++) {
            long row = rows[Math.min(r, b - 1)];
            for (int i = 0; i < m; i++) {
                block[r * m + i] = qv.get(row, i);
            }
        }
        long n = rm.data().size();
        boolean self = rm.selfQueries();
        for (int r = 0; r < b; r++) {
            if (self && qs.byId() && opt.includeSelf()) {
                w.heapFor(r).offer(0.0, rows[r]);
            }
        }
        double[] dots = w.dots;
        long evaluated = 0;
        for (long j = 0; j < jEnd; j += 2) {
            long j1 = Math.min(j + 1, jEnd - 1);
            long o0 = dv.rowOffset(j);
            long o1 = dv.rowOffset(j1);
            for (int q4 = 0; q4 < padded; q4 += 4) {
                Ops.IMPL.dot4x2(block, q4 * m, m, dseg, o0, o1, f4, dots);
                for (int r = q4; r < Math.min(q4 + 4, b); r++) {
                    long row = rows[r];
                    long lim = limit(qs, opt, row, n);
                    TopK heap = w.heapFor(r);
                    for (int c = 0; c < 2 && j + c < jEnd; c++) {
                        long jj = j + c;
                        if (jj >= lim || (self && jj == row)) {
                            continue;
                        }
                        heap.offer(rm.fromDot(row, jj, dots[2 * (r - q4) + c]), jj);
                        evaluated++;
                    }
                }
            }
        }
        w.distances += evaluated;
    }
}
