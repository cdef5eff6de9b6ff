package dev.covertree.engine.metric;

import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.linalg.MatrixProduct;
import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.internal.vector.ScreenTile;
import dev.covertree.engine.internal.vector.VectorOps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The residual brute force's block on a BLAS product: the block's V rows (as float64) times each tile of
 * {@value #TILE} dataset rows by one {@code dgemm} call, then a lane-wise screen, then the canonical
 * distance for the few pairs that can still be among the k nearest.
 *
 * <h2>Why the answer is the one every other engine gives</h2>
 * The product sums each dot product in its own order, so its distances are not the canonical ones
 * ({@link ResidualMetric#distance}, which {@link VectorOps#dot} sums). {@link VectorOps#residualScreen}
 * turns each product entry into values l ≤ s ≤ h around the canonical distance's square s (before its
 * {@code fl√}), rigorous including rounding (the argument is written there and in {@link ScreenTile}), so
 * {@code L = fl√l ≤ D = fl√s ≤ U = fl√h}. Per query a second top-k list keeps the k smallest h, whose
 * k-th, h_k, gives {@code fl√h_k}, an upper bound on the k-th canonical distance. A pair is kept as a
 * candidate when {@code l ≤ near(h_k)} at the time it is screened ({@link #near}: no square root is taken,
 * and l ≤ near(h) holds wherever {@code fl√l ≤ fl√h}); at the end of the block only the candidates with
 * {@code l ≤ near(h_k)} (final) get their canonical distance, offered to the query's heap. Every pair of
 * the true answer has {@code L ≤ D ≤ D_(k) ≤ fl√h_k} (h_k only falls as pairs are added), so it is
 * offered; the heap orders by (distance, id), whatever the order of offers, so the rows are those of
 * {@link dev.covertree.engine.Engine#SCAN}, ties included. The canonical distances cost m multiply-adds each, for about k pairs
 * per query plus those within the screen's margin.
 */
final class ProductBlock {
    /** Dataset rows per product call: large enough for dgemm to run near the rate of its large products. */
    static final int TILE = 512;
    /** Tile columns the screen takes at a time. */
    static final int SLICE = 128;

    /** Most queries per block: the larger the block, the fewer times each tile is converted to float64. */
    static final int MAX_BLOCK = 1024;

    /** Most float64 elements of a block's packed query rows (4 MiB): the scratch stays small for small heaps. */
    static final int MAX_BLOCK_ELEMENTS = 1 << 19;

    /**
     * Queries per block for {@code queries} queries with {@code m} V columns on {@code threads} threads: every
     * thread gets a block (the work is split no finer than that), up to {@value #MAX_BLOCK} and to
     * {@value #MAX_BLOCK_ELEMENTS} / m; a multiple of 8.
     */
    static int block(long queries, int m, int threads) {
        long perThread = (queries + threads - 1) / Math.max(1, threads);
        long most = Math.min(MAX_BLOCK, MAX_BLOCK_ELEMENTS / Math.max(1, m));
        return (int) Math.max(8, Math.min(most, (perThread + 7) & ~7L) & ~7L);
    }

    /** Candidates a query keeps before they are evaluated early (see {@link ProductScratch#keep}). */
    static final int CANDIDATES = 256;

    private final ResidualMetric metric;
    private final VectorOps ops;
    private final Matrix qv;
    private final Matrix dv;
    private final MemorySegment qScaled;
    private final MemorySegment dScaled;
    private final MemorySegment qIsp;
    private final MemorySegment dIsp;
    private final int m;
    private final int dim;
    private final boolean f4;
    private final boolean self;

    ProductBlock(ResidualMetric metric, VectorOps ops, Matrix qv, Matrix dv, MemorySegment qScaled,
                 MemorySegment dScaled, MemorySegment qIsp, MemorySegment dIsp, boolean self) {
        this.metric = metric;
        this.ops = ops;
        this.qv = qv;
        this.dv = dv;
        this.qScaled = qScaled;
        this.dScaled = dScaled;
        this.qIsp = qIsp;
        this.dIsp = dIsp;
        this.m = metric.data().inducing();
        this.dim = metric.data().dimension();
        this.f4 = metric.data().vIsF4();
        this.self = self;
    }

    /** Offers every allowed dataset point to {@code w.heapFor(r)} for query rows {@code rows[0, b)}, multiplying with {@code product}. */
    void search(QuerySet qs, KnnOptions opt, long[] rows, int b, Worker w, MatrixProduct product) {
        long n = metric.data().size();
        KernelType type = metric.data().kernel().type();
        double variance = metric.data().kernel().variance();
        // the norms are made once per dataset, by the first block that needs them
        MemorySegment qNorm = metric.queries().vNorms();
        MemorySegment dNorm = metric.data().vNorms();
        ProductScratch s = w.attachment(ProductScratch.class);
        if (s == null || !s.fits(w.blockCapacity(), TILE, m, dim, opt.k())) {
            s = new ProductScratch(w.blockCapacity(), TILE, m, dim, opt.k());
            w.attach(s);
        }
        double[] q = s.queries();
        long jEnd = 0;
        for (int r = 0; r < b; r++) {
            long row = rows[r];
            ops.pack(qv.segment(), qv.rowOffset(row), m, f4, q, r * m);
            s.startQuery(r, qs.idLimit(row, opt, n), qNorm.getAtIndex(ValueLayout.JAVA_DOUBLE, row),
                    qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, row));
            jEnd = Math.max(jEnd, s.limit(r));
            if (qs.selfCounts(row, opt, n)) {
                w.heapFor(r).offer(0.0, row);
            }
        }
        long screened = 0;
        for (long j0 = 0; j0 < jEnd; j0 += TILE) {
            int t = (int) Math.min(TILE, jEnd - j0);
            packTile(j0, t, dNorm, s);
            // rows whose id limit is at or below the tile need none of it; in predecessor mode over all points
            // (rows in id order) they are a prefix, which the product skips
            int first = 0;
            while (first < b && s.limit(first) <= j0) {
                first++;
            }
            product.multiplyTransposed(s.queries(), first * m, b - first, s.tileRows(), t, m, s.dots(), first * TILE, TILE);
            // the screen takes the tile a slice of columns at a time, for every query, so that the slice's
            // coordinates, norms, 1/sqrt(p) and bounds can stay in L1 while the products stream past
            for (int c0 = 0; c0 < t; c0 += SLICE) {
                for (int r = 0; r < b; r++) {
                    int count = (int) Math.min(Math.min(SLICE, t - c0), s.limit(r) - j0 - c0);
                    if (count > 0) {
                        screened += screen(type, variance, r, rows[r], j0, c0, count, s, w.heapFor(r));
                    }
                }
            }
        }
        for (int r = 0; r < b; r++) {
            s.evaluate(r, rows[r], this, w.heapFor(r));
        }
        w.distances += screened;
    }

    /**
     * Fills the scratch with dataset rows {@code [j0, j0 + t)}: V as float64 for the product, and the screen's
     * coordinates, 1/√p and norms. Kept apart from {@link #search}, as is {@link #screen}, so that the JIT compiles
     * each as a method of its own early in a run, not as an on-stack replacement of one large loop nest.
     */
    private void packTile(long j0, int t, MemorySegment dNorm, ProductScratch s) {
        ScreenTile tile = s.tile();
        double[] rowsF8 = s.tileRows();
        for (int c = 0; c < t; c++) {
            long j = j0 + c;
            ops.pack(dv.segment(), dv.rowOffset(j), m, f4, rowsF8, c * m);
            tile.setScales(c, dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, j), dNorm.getAtIndex(ValueLayout.JAVA_DOUBLE, j));
            for (int k = 0; k < dim; k++) {
                tile.setCoordinate(c, k, dScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, j * dim + k));
            }
        }
    }

    /**
     * Screens tile columns {@code [c0, c0 + count)} (dataset ids from {@code j0 + c0}) for query r of the block
     * (row {@code row}): updates its upper bounds and keeps its candidates. Returns the pairs screened.
     */
    private int screen(KernelType type, double variance, int r, long row, long j0, int c0, int count, ProductScratch s,
                       TopK heap) {
        ScreenTile tile = s.tile();
        double[] qx = s.queryCoordinates();
        for (int k = 0; k < dim; k++) {
            qx[k] = qScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, row * dim + k);
        }
        TopK upper = s.upper(r);
        int within = ops.residualScreen(type.shape(), variance, tile, c0, count, s.dots(), r * TILE + c0, qx, s.isp(r), s.norm(r),
                near(upper.bound()));
        for (int c = 0; c < within; c++) {
            int i = tile.within(c);
            long j = j0 + i;
            if (self && j == row) {
                continue;
            }
            upper.offer(tile.upper(i), j);
            if (tile.lower(i) <= near(upper.bound())) {
                s.keep(r, j, tile.lower(i), row, this, heap);
            }
        }
        return count - (self && row >= j0 + c0 && row < j0 + c0 + count ? 1 : 0);
    }

    /** The canonical distance of query row q and point j: what every engine computes. */
    double distance(long q, long j) {
        return metric.workingDistance(q, j);
    }

    /**
     * What a square l is compared with where the question is whether {@code fl√l ≤ fl√h}. With
     * {@code fl√l ≥ √l (1 − u)} and {@code fl√h ≤ √h (1 + u)}, that inequality gives
     * {@code l ≤ h (1 + u)² / (1 − u)² < h (1 + 4.001 u)}, and the value returned is at least
     * {@code h (1 + 2⁻⁴⁹)} (u = 2⁻⁵³; the last term covers h whose product with 2⁻⁴⁸ underflows): so
     * {@code l > near(h)} proves {@code fl√l > fl√h}. +∞ stays +∞.
     */
    static double near(double h) {
        return h + h * 0x1p-48 + 0x1p-1000;
    }
}
