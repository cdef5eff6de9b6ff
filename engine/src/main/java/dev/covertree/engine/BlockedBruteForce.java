package dev.covertree.engine;

import java.lang.foreign.ValueLayout;

/**
 * Exhaustive search over a block of queries at a time. For the residual metric the dot products are a
 * small matrix product, done GEMM-style: the block's V rows are packed as float64 once, each tile of four
 * dataset rows is packed once and multiplied against every four packed queries
 * ({@link VectorOps#dot4x4}) while it sits in L1, and the sixteen distances of a 4 x 4 block are finished
 * lane-wise ({@link VectorOps#residualDistances}). Distances are bit-identical to {@link Metric#distance}.
 */
final class BlockedBruteForce {
    /** Queries per block: a multiple of 4; 128 rows of m = 512 float64 (512 KiB) stay in L2. */
    static final int BLOCK = 128;

    private BlockedBruteForce() {
    }

    /** Answers queries [from, to) of {@code qs}, writing rows [from, to) of the result. */
    static void searchBlock(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        long n = metric.data().size();
        int b = (int) (to - from);
        long[] rows = w.blockRows;
        for (int r = 0; r < b; r++) {
            rows[r] = qs.row(from + r);
        }
        if (metric instanceof ResidualMetric rm) {
            residual(rm, qs, opt, rows, b, n, w);
        } else {
            // d is small for Euclidean data: there is no product to block, the per-pair kernel is the whole cost
            for (int r = 0; r < b; r++) {
                scanOne(metric, qs, opt, rows[r], w.heapFor(r), w);
            }
        }
        for (int r = 0; r < b; r++) {
            w.heapFor(r).drainTo(out.indices(), out.distances(), from + r);
        }
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

    private static void residual(ResidualMetric rm, QuerySet qs, KnnOptions opt, long[] rows, int b, long n, Worker w) {
        VectorOps ops = Ops.IMPL;
        int m = rm.inducing();
        int d = rm.dim;
        boolean f4 = rm.vIsF4();
        Matrix qv = rm.queryV();
        Matrix dv = rm.dataV();
        boolean self = rm.self;
        int padded = (b + 3) & ~3;
        // the block's queries, packed: V rows as float64, and per 4-query quad its scaled coordinates and
        // 1/sqrt(p) broadcast to the 16 lanes of a 4 x 4 block (lane 4r + c pairs query r with tile row c)
        double[] qPack = w.scratch(Worker.Q_PACK, padded * m);
        double[] qCoords = w.scratch(Worker.Q_COORDS, padded / 4 * d * 16);
        double[] qIsp = w.scratch(Worker.Q_ISP, padded / 4 * 16);
        long[] quadLimit = w.quadLimit;
        long jEnd = 0;
        for (int r = 0; r < padded; r++) {
            long row = rows[Math.min(r, b - 1)];
            ops.pack(qv.segment(), qv.rowOffset(row), m, f4, qPack, r * m);
            int quad = r >> 2;
            for (int c = 0; c < 4; c++) {
                int lane = 4 * (r & 3) + c;
                for (int k = 0; k < d; k++) {
                    qCoords[(quad * d + k) * 16 + lane] = rm.qScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, row * d + k);
                }
                qIsp[quad * 16 + lane] = rm.qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, row);
            }
            long lim = limit(qs, opt, row, n);
            quadLimit[quad] = (r & 3) == 0 ? lim : Math.max(quadLimit[quad], lim);
            jEnd = Math.max(jEnd, lim);
            if (r < b && self && qs.byId() && opt.includeSelf()) {
                w.heapFor(r).offer(0.0, row);
            }
        }
        double[] tile = w.scratch(Worker.TILE, 4 * m);
        double[] tCoords = w.scratch(Worker.TILE_COORDS, d * 16);
        double[] tIsp = w.tileIsp;
        double[] dots = w.dots;
        double[] s2 = w.s2;
        double[] ispQ = w.ispQ;
        double[] dist = w.dist;
        long evaluated = 0;
        for (long j = 0; j < jEnd; j += 4) {
            int cols = (int) Math.min(4, jEnd - j);
            for (int c = 0; c < 4; c++) {
                long jj = j + Math.min(c, cols - 1);
                ops.pack(dv.segment(), dv.rowOffset(jj), m, f4, tile, c * m);
                double isp = rm.dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, jj);
                for (int r = 0; r < 4; r++) {
                    tIsp[4 * r + c] = isp;
                    for (int k = 0; k < d; k++) {
                        tCoords[k * 16 + 4 * r + c] = rm.dScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, jj * d + k);
                    }
                }
            }
            for (int q4 = 0; q4 < padded; q4 += 4) {
                int quad = q4 >> 2;
                if (quadLimit[quad] <= j) {
                    continue;
                }
                ops.dot4x4(qPack, q4 * m, tile, 0, m, dots);
                ops.squaredDistances(qCoords, quad * d * 16, tCoords, 0, d, s2, 16);
                System.arraycopy(qIsp, quad * 16, ispQ, 0, 16);
                ops.residualDistances(rm.type, rm.variance, s2, dots, ispQ, tIsp, dist, 16);
                for (int r = 0; r < Math.min(4, b - q4); r++) {
                    long row = rows[q4 + r];
                    long lim = limit(qs, opt, row, n);
                    TopK heap = w.heapFor(q4 + r);
                    for (int c = 0; c < cols; c++) {
                        long jj = j + c;
                        if (jj < lim && !(self && jj == row)) {
                            heap.offer(dist[4 * r + c], jj);
                            evaluated++;
                        }
                    }
                }
            }
        }
        w.distances += evaluated;
    }
}
