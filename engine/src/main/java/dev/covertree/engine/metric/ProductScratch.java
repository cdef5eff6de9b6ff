package dev.covertree.engine.metric;

import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.vector.ScreenTile;

/**
 * One search thread's buffers for {@link ProductBlock}: the block's query rows as float64, a tile's rows,
 * the product, the screen's tile, and per query its id limit, norm, {@code 1/√p}, the top-k list of upper
 * bounds and the candidates kept so far. Heap arrays (the product call reads them in place), made once
 * per thread and reused by every block.
 */
final class ProductScratch {
    private final int block;
    private final int m;
    private final int dim;
    private final double[] queries;
    private final double[] tileRows;
    private final double[] dots;
    private final double[] queryCoordinates;
    private final ScreenTile tile;
    private final long[] limit;
    private final double[] norm;
    private final double[] isp;
    private final TopK[] upper;
    private final long[] candidate;
    private final double[] candidateLower;
    private final int[] kept;

    ProductScratch(int block, int tileRows, int m, int dim, int k) {
        this.block = block;
        this.m = m;
        this.dim = dim;
        this.queries = new double[block * m];
        this.tileRows = new double[tileRows * m];
        this.dots = new double[block * tileRows];
        this.queryCoordinates = new double[dim];
        this.tile = new ScreenTile(tileRows, dim, m);
        this.limit = new long[block];
        this.norm = new double[block];
        this.isp = new double[block];
        this.upper = new TopK[block];
        for (int r = 0; r < block; r++) {
            upper[r] = new TopK(k);
        }
        this.candidate = new long[block * ProductBlock.CANDIDATES];
        this.candidateLower = new double[block * ProductBlock.CANDIDATES];
        this.kept = new int[block];
    }

    /** Whether this scratch fits a search of this shape. */
    boolean fits(int block, int tileRows, int m, int dim, int k) {
        return this.block >= block && tile.capacity() == tileRows && this.m == m && this.dim == dim && upper[0].capacity() == k;
    }

    double[] queries() {
        return queries;
    }

    double[] tileRows() {
        return tileRows;
    }

    double[] dots() {
        return dots;
    }

    double[] queryCoordinates() {
        return queryCoordinates;
    }

    ScreenTile tile() {
        return tile;
    }

    /** Starts query r of a block: ids below {@code limit}, its computed ‖V‖ and 1/√p; no bounds, no candidates. */
    void startQuery(int r, long limit, double norm, double isp) {
        this.limit[r] = limit;
        this.norm[r] = norm;
        this.isp[r] = isp;
        upper[r].clear();
        kept[r] = 0;
    }

    long limit(int r) {
        return limit[r];
    }

    double norm(int r) {
        return norm[r];
    }

    double isp(int r) {
        return isp[r];
    }

    /** Query r's k smallest upper bounds (squares, as the screen writes them) so far. */
    TopK upper(int r) {
        return upper[r];
    }

    /**
     * Keeps point j, whose lower bound is {@code lower}, as a candidate of query r (row {@code row}). When the
     * query's list is full, the candidates still within its upper bound are evaluated into {@code heap} first
     * and the list is emptied: that only offers them earlier, which changes nothing in the answer.
     */
    void keep(int r, long j, double lower, long row, ProductBlock block, TopK heap) {
        if (kept[r] == ProductBlock.CANDIDATES) {
            evaluate(r, row, block, heap);
        }
        int at = r * ProductBlock.CANDIDATES + kept[r]++;
        candidate[at] = j;
        candidateLower[at] = lower;
    }

    /** Offers query r's candidates whose lower bound is within its k-th upper bound, at their canonical distance. */
    void evaluate(int r, long row, ProductBlock block, TopK heap) {
        double bound = ProductBlock.near(upper[r].bound());
        int base = r * ProductBlock.CANDIDATES;
        for (int c = 0; c < kept[r]; c++) {
            if (candidateLower[base + c] <= bound) {
                long j = candidate[base + c];
                heap.offer(block.distance(row, j), j);
            }
        }
        kept[r] = 0;
    }
}
