package dev.covertree.engine;

/**
 * The {@link Engine#BRUTE} engine: exhaustive search over a block of {@value #BLOCK} queries at a time, so
 * that each dataset row read from memory serves the whole block. How a block is computed is the
 * metric's business ({@link Metric#searchBlock}): for the residual metric a small GEMM-style matrix
 * product on packed rows, for the Euclidean metric one query at a time (d is small: there is no product
 * to block). Distances are bit-identical to {@link Metric#distance}.
 */
final class BlockedBruteForce implements SearchEngine {
    /** Queries per block: a multiple of 4; 128 rows of m = 512 float64 (512 KiB) stay in L2. */
    static final int BLOCK = 128;

    @Override
    public int chunk() {
        return BLOCK;
    }

    @Override
    public Worker newWorker(int k) {
        return new Worker(k, BLOCK);
    }

    @Override
    public void search(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        int b = (int) (to - from);
        long[] rows = w.blockRows;
        for (int r = 0; r < b; r++) {
            rows[r] = qs.row(from + r);
        }
        metric.searchBlock(qs, opt, rows, b, w);
        for (int r = 0; r < b; r++) {
            w.heapFor(r).drainTo(out.indices(), out.distances(), from + r);
        }
    }
}
