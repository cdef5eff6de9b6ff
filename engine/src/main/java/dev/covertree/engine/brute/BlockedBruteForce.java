package dev.covertree.engine.brute;

import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.linalg.MatrixProduct;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;

/**
 * The {@link dev.covertree.engine.Engine#BRUTE} engine: exhaustive search over a block of queries at a time (as many as the metric
 * asks for, {@link Metric#bruteBlock}), so
 * that each dataset row read from memory serves the whole block. How a block is computed is the
 * metric's business ({@link Metric#searchBlock}): for the residual metric a BLAS {@code dgemm} per tile of
 * dataset rows with a rigorous screen and the canonical distance for the survivors ({@link dev.covertree.engine.metric.ProductBlock}),
 * or without BLAS a small GEMM-style matrix product on packed rows; for the Euclidean metric one query at
 * a time (d is small: there is no product to block). Either way the rows are those of {@link dev.covertree.engine.Engine#SCAN}.
 */
public final class BlockedBruteForce implements SearchEngine {
    /** Queries per block without a BLAS product: a multiple of 4; 128 rows of m = 512 float64 (512 KiB) stay in L2. */
    public static final int BLOCK = Worker.BLOCK;

    private final MatrixProduct product;
    private final int block;

    /**
     * A brute force that multiplies with {@code product} where the metric can use it (null: never), over
     * blocks of {@code block} queries.
     */
    public BlockedBruteForce(MatrixProduct product, int block) {
        this.product = product;
        this.block = block;
    }

    @Override
    public int chunk() {
        return block;
    }

    @Override
    public Worker newWorker(int k) {
        return new Worker(k, block);
    }

    @Override
    public void search(Metric metric, QuerySet qs, KnnOptions opt, long slotFrom, long slotTo, Worker w, KnnResult out) {
        // in predecessor mode a query costs in proportion to its id: the chunks are taken from the end, so the
        // costliest come first and the last to finish are the cheapest (the mirrored chunks cover the same slots)
        long from = opt.predecessor() ? qs.size() - slotTo : slotFrom;
        long to = opt.predecessor() ? qs.size() - slotFrom : slotTo;
        int b = (int) (to - from);
        long[] rows = w.blockRows;
        for (int r = 0; r < b; r++) {
            rows[r] = qs.row(from + r);
        }
        metric.searchBlock(qs, opt, rows, b, w, product);
        for (int r = 0; r < b; r++) {
            w.heapFor(r).drainTo(out.indices(), out.distances(), from + r);
        }
    }
}
