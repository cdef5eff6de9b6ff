package dev.covertree.engine.metric;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.linalg.MatrixProduct;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.search.WideNodeLayout;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.engine.internal.vector.ResidualFormula;
import dev.covertree.engine.internal.vector.VectorOps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The residual-correlation distance:
 * {@code C = k(x_q, x_j) − V_q·V_j}, {@code ρ = C / √(p_q p_j)} clamped to [−1, 1], {@code d = √(1 − |ρ|)},
 * and {@code d = 0} for a point with itself. All float64.
 *
 * <h2>Why pruning with it stays exact</h2>
 * {@code d} is a metric when ρ is an exact correlation, that is when {@code p_i} equals the diagonal
 * {@code g_i = k(x_i, x_i) − ‖V_i‖²} of a positive semi-definite residual covariance. Stored inputs miss
 * that slightly: V rounded to float32 while p came from the float64 V, p floored at 1e-9, float64
 * rounding in {@code k − V·V} (a difference of O(1) numbers that leaves O(p)). With
 * {@code a_i = √(g_i / p_i)} the computed ρ is the exact one times {@code a_i a_j}, so
 * {@code |d² − d̂²| ≤ |1 − a_i a_j| + ε_ij} where d̂ is the exact metric and ε_ij bounds the rounding.
 * Each point gets a slack {@code s_i = |a_i − 1| + r_i}, r_i its share of the rounding bound
 * (by Cauchy–Schwarz ε_ij ≤ max(r_i, r_j)), and then {@code |d² − d̂²| ≤ η(s_i, s_j) = s_i + s_j + s_i s_j}.
 * {@link #excludes} applies the triangle inequality to d̂ and converts back, with the query's slack and
 * the largest slack in the subtree (stored in each tree node), so a subtree is pruned only when no point
 * in it can be closer than the current k-th distance. Slacks are per point because they are skewed:
 * with float32 V, the few points next to an inducing point (p near the jitter) have slacks near 0.03,
 * the median point 1e-6; one global maximum would blunt every bound. A subtree holding a point whose
 * slack is infinite (g_i ≤ 0) is never pruned: the search degrades toward exhaustive, never to wrong.
 */
final class ResidualMetric extends Metric {
    private final MemorySegment qScaled;
    private final MemorySegment dScaled;
    private final MemorySegment qIsp;
    private final MemorySegment dIsp;
    private final Matrix qv;
    private final Matrix dv;
    private final KernelType type;
    private final double variance;
    private final int dim;
    private final int m;
    private final boolean f4;
    private final boolean self;
    /** A computed dot product's rounding allowance per unit of {@code Σ|V_qu V_ju|}. */
    private final double dotRel;
    /** The Cauchy-Schwarz bound's allowance: computed norms and dot products against exact ones. */
    private final double normRel;
    private final ProductBlock productBlock;
    /** The kernel's range over a node's box, for {@link #nodeLowerBound}; made on first use. */
    private KernelBounds kernelBounds;

    ResidualMetric(Dataset queries, Dataset data) {
        super(queries, data, Ops.IMPL);
        this.qScaled = queries.scaledCoordinates();
        this.dScaled = data.scaledCoordinates();
        this.qIsp = queries.invSqrtP();
        this.dIsp = data.invSqrtP();
        this.qv = queries.v();
        this.dv = data.v();
        if (qv.dtype() != dv.dtype()) {
            throw new InvalidInputException(qv.name() + " is " + qv.dtype().code() + " but " + dv.name() + " is "
                    + dv.dtype().code() + " (query and dataset V must have the same dtype)");
        }
        this.type = data.kernel().type();
        this.variance = data.kernel().variance();
        this.dim = data.dimension();
        this.m = data.inducing();
        this.f4 = data.vIsF4();
        this.self = queries == data;
        this.dotRel = 3.0 * (m + 2) * 0x1p-53;
        this.normRel = 1 + 4.0 * (m + 4) * 0x1p-53;
        this.productBlock = new ProductBlock(this, ops, qv, dv, qScaled, dScaled, qIsp, dIsp, self);
    }

    @Override
    public double workingDistance(long q, long j) {
        if (self && q == j) {
            return 0;
        }
        return fromDot(q, j, ops.dot(qv.segment(), qv.rowOffset(q), dv.segment(), dv.rowOffset(j), m, f4));
    }

    /** Points {@link #checkInputs} looks at, spread evenly over each dataset. */
    private static final int DIAGONAL_SAMPLE = 1024;

    /**
     * {@code p_i = σ² − ‖V_i‖²} wherever it is above its floor, when V and p were made with this kernel's
     * variance: checked on a sample, allowing for V stored as float32 (p comes from the float64 V). Another
     * variance moves every point's {@code σ² − ‖V_i‖²} by the same amount, so the check fails only where most
     * sampled points disagree: a caller's p that differs at some points (the SPEC lets the caller give p)
     * passes, and one that differs everywhere needs {@link KnnOptions#checkInputs} off.
     *
     * <p>The sampled rows are widened into an array and summed there, as {@link #checkAnswer} does too: the
     * checks never call the search's segment kernels. Called on the dataset's own V (a mapped file), those
     * kernels' shared load methods would record a second segment class before the search compiles them, and
     * the search's kernels, compiled from that profile, would run the whole search slower.
     */
    @Override
    public void checkInputs() {
        checkDiagonal(data, dv);
        if (!self) {
            checkDiagonal(queries, qv);
        }
    }

    private void checkDiagonal(Dataset ds, Matrix v) {
        long n = ds.size();
        long step = Math.max(1, n / DIAGONAL_SAMPLE);
        long checked = 0;
        long bad = 0;
        long first = -1;
        double firstP = 0;
        double firstG = 0;
        double[] row = new double[m];
        for (long i = 0; i < n; i += step) {
            double p = ds.p().get(i, 0);
            v.copyRows(i, 1, row);
            double g = variance - plainDot(row, row);
            if (p > 1e-6 * variance) {
                checked++;
                if (Math.abs(g - p) > 1e-5 * variance + 1e-3 * p) {
                    if (bad++ == 0) {
                        first = i;
                        firstP = p;
                        firstG = g;
                    }
                }
            }
        }
        if (bad > 0 && 2 * bad > checked) {
            throw new InvalidInputException(String.format("%s does not match the kernel variance %s: at %d of %d sampled "
                    + "points p differs from variance - |V_i|^2 (point %d: p = %.6g, variance - |V_i|^2 = %.6g); were V and "
                    + "p made with another variance? (for a p of your own, not made from V: --allow-inconsistent)",
                    ds.p().name(), variance, bad, checked, first, firstP, firstG));
        }
    }

    /**
     * What a consistent pair (q, j) can show, given their stored V rows widened ({@code qRow}, {@code jRow}). Let
     * V be the float64 rows p was made from and Ṽ the stored ones (V rounded to float32, or V itself). The
     * residual {@code C = k − V_q·V_j} of a positive semi-definite covariance obeys {@code |C| ≤ √(g_q g_j)}, g its
     * diagonal {@code σ² − ‖V‖²}, so {@code |C| / √(p_q p_j) ≤ A_q A_j} with {@code A = √(max(g, p) / p)}. The
     * computed residual uses Ṽ: {@code |V_q·V_j − Ṽ_q·Ṽ_j| ≤ 2.0001 u₄ ‖Ṽ_q‖ ‖Ṽ_j‖} (u₄ = 2⁻²⁴, the float32
     * rounding; for float64 V the same allowance stands for the triangular solve that made V, whose relative error
     * grows with the condition of {@code K_UU} plus jitter, up to about 10⁶ u), and
     * float64 rounding adds at most {@code γ (σ² + ‖Ṽ_q‖ ‖Ṽ_j‖)} with γ = 4(m + 8)u. g is known only through Ṽ,
     * up to the same two terms with q = j. So {@code |ρ| ≤ A_q A_j + E_qj}, E those terms times
     * {@code 1/√(p_q p_j)}. Where the residual is tiny (p near the jitter) float32 V moves ρ by several
     * percent, which is why the cover tree's slacks alone do not bound it.
     */
    private double allowedRho(long q, long j, double[] qRow, double[] jRow) {
        double u4 = 2.0001 * 0x1p-24;
        double gamma = 4.0 * (m + 8) * 0x1p-53;
        double nq = Math.sqrt(plainDot(qRow, qRow));
        double nj = Math.sqrt(plainDot(jRow, jRow));
        double ispQ = qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, q);
        double ispJ = dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, j);
        double aq = diagonalFactor(nq, ispQ, u4, gamma);
        double aj = diagonalFactor(nj, ispJ, u4, gamma);
        double e = (u4 * nq * nj + gamma * (variance + nq * nj)) * ispQ * ispJ;
        return (aq * aj + e) * (1 + 1e-12) + 1e-12;
    }

    /**
     * {@code a · b} over the metric's m columns, one FMA chain: the checks' own sum (its rounding is within the γ
     * of {@link #allowedRho}, as any order's is), so that they never call the search's kernels.
     */
    private double plainDot(double[] a, double[] b) {
        double sum = 0;
        for (int c = 0; c < m; c++) {
            sum = Math.fma(a[c], b[c], sum);
        }
        return sum;
    }

    /** {@code A = √(max(g, p) / p)} with g = σ² − ‖Ṽ‖² widened by its own error; +∞ where no PSD residual fits. */
    private double diagonalFactor(double norm, double isp, double u4, double gamma) {
        double g = variance - norm * norm + (u4 * norm * norm + gamma * (variance + norm * norm));
        if (!(g > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(Math.max(g * isp * isp, 1.0));
    }

    /**
     * A pair beyond {@link #allowedRho} means the kernel settings are not the ones V and p were made with (a
     * wrong lengthscale or kernel makes k(x_q, x_j) far larger than V_q · V_j can explain) and every distance
     * would silently be 0. Such a pair is clamped to distance 0, the nearest any point can be, so it shows
     * up among the zero distances at the head of an answer's rows: only those are looked at, after the
     * search, at the cost of a few distances.
     */
    @Override
    public void checkAnswer(QuerySet qs, KnnResult out) {
        double[] qRow = new double[m];
        double[] jRow = new double[m];
        for (long s = 0; s < out.queries(); s++) {
            long row = qs.row(s);
            for (int c = 0; c < out.k() && out.distance(s, c) == 0; c++) {
                long j = out.index(s, c);
                if (j < 0 || (self && j == row)) {
                    continue;
                }
                qv.copyRows(row, 1, qRow);
                dv.copyRows(j, 1, jRow);
                double allowed = allowedRho(row, j, qRow, jRow);
                double rho = ResidualFormula.rho(type.shape(), variance, scaledSquaredDistance(row, dScaled, j * dim * 8L),
                        plainDot(qRow, jRow),
                        qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, row), dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, j));
                if (Math.abs(rho) > allowed) {
                    throw new InvalidInputException(String.format("the kernel settings (%s) do not belong to V and p: for "
                            + "query %d and point %d the residual correlation is %.6g, beyond what V and p allow "
                            + "(|rho| <= %.6g); were V and p made with other kernel settings? (to search anyway: "
                            + "--allow-inconsistent)", data.kernel(), row, j, rho, allowed));
                }
            }
        }
    }

    /** The distance given {@code V_q · V_j}, as the blocked brute force computes it. */
    double fromDot(long q, long j, double dot) {
        return ResidualFormula.distance(type.shape(), variance, scaledSquaredDistance(q, dScaled, j * dim * 8L), dot,
                qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, q), dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, j));
    }

    /** The squared scaled distance from query row q to the point whose dim coordinates start at {@code off} in {@code s}. */
    private double scaledSquaredDistance(long q, MemorySegment s, long off) {
        return ResidualFormula.squaredDistance(qScaled, q * dim * 8L, s, off, dim);
    }

    /**
     * A record is the V row as stored, then (from the next cache line, which the stream of row loads
     * prefetches) {@code 1/√p} and the scaled coordinates; the row stays cache-line aligned for vector loads.
     */
    private long headerOffset() {
        return roundToLine((long) m * dv.dtype().itemSize());
    }

    private static long roundToLine(long bytes) {
        return (bytes + 63) & -64L;
    }

    @Override
    public long recordBytes() {
        return headerOffset() + roundToLine(8L * (1 + dim));
    }

    @Override
    public void writeRecord(long j, MemorySegment dst, long off) {
        MemorySegment.copy(dv.segment(), dv.rowOffset(j), dst, off, (long) m * dv.dtype().itemSize());
        long h = off + headerOffset();
        dst.set(ValueLayout.JAVA_DOUBLE, h, dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, j));
        MemorySegment.copy(dScaled, j * dim * 8L, dst, h + 8, dim * 8L);
    }

    /** Packs the group's query rows as float64, four of them (the last repeated), for {@link VectorOps#dot4x4}. */
    @Override
    public void prepareGroup(int g, Worker w) {
        if (g > 1) {
            double[] packed = w.scratch(Worker.Q_PACK, Worker.GROUP * m);
            for (int r = 0; r < Worker.GROUP; r++) {
                long q = w.groupRow[Math.min(r, g - 1)];
                ops.pack(qv.segment(), qv.rowOffset(q), m, f4, packed, r * m);
            }
        }
    }

    @Override
    public long childDistances(int g, int active, MemorySegment records, int count, Worker w) {
        if (Integer.bitCount(active) == 1) {
            oneQuery(Integer.numberOfTrailingZeros(active), records, count, w);
            return count;
        }
        long bytes = recordBytes();
        long ho = headerOffset();
        int[] nodes = w.childNode;
        double[] packed = w.scratch(Worker.Q_PACK, Worker.GROUP * m);
        double[] tile = w.scratch(Worker.TILE, Worker.GROUP * m);
        for (int from = 0; from < count; from += 4) {
            int c = Math.min(4, count - from);
            // a last group of fewer than four children repeats its last one; the spare sums are dropped
            for (int j = 0; j < 4; j++) {
                ops.pack(records, nodes[from + Math.min(j, c - 1)] * bytes, m, f4, tile, j * m);
            }
            ops.dot4x4(packed, 0, tile, 0, m, w.block);
            for (int j = 0; j < 4; j++) {
                long h = nodes[from + Math.min(j, c - 1)] * bytes + ho;
                for (int r = 0; r < 4; r++) {
                    w.dots[4 * j + r] = w.block[4 * r + j];
                    finishInputs(4 * j + r, w.groupRow[Math.min(r, g - 1)], records, h, w);
                }
            }
            ops.residualDistances(type.shape(), variance, w.s2, w.dots, w.ispQ, w.tileIsp, w.dist, 16);
            for (int j = 0; j < c; j++) {
                for (int r = 0; r < g; r++) {
                    w.childDist[Worker.GROUP * (from + j) + r] = childDistance(w.groupRow[r], from + j, 4 * j + r, w);
                }
            }
        }
        return (long) count * g;
    }

    /** The children's distances to query b of the group alone: four dot products per pass over its row. */
    private void oneQuery(int b, MemorySegment records, int count, Worker w) {
        long q = w.groupRow[b];
        boolean fromRecord = w.recordQuery == q;
        MemorySegment qs = fromRecord ? w.queryRecords : qv.segment();
        long qo = fromRecord ? w.queryRecordOffset : qv.rowOffset(q);
        MemorySegment qCoords = fromRecord ? w.queryRecords : qScaled;
        long qCoordsOffset = fromRecord ? w.queryRecordOffset + headerOffset() + 8 : q * dim * 8L;
        double ispQ = fromRecord ? w.boundIsp : qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, q);
        long bytes = recordBytes();
        long ho = headerOffset();
        int[] nodes = w.childNode;
        int chunk = w.dist.length;
        for (int from = 0; from < count; from += chunk) {
            int c = Math.min(chunk, count - from);
            for (int i = 0; i < c; i += 4) {
                // a last group of fewer than four repeats its last row: the spare sums are dropped, and
                // the one-row kernel, with one chain of dependent FMAs, costs as much as four rows
                int last = from + c - 1;
                ops.dot1x4(qs, qo, records, nodes[from + i] * bytes, nodes[Math.min(from + i + 1, last)] * bytes,
                        nodes[Math.min(from + i + 2, last)] * bytes, nodes[Math.min(from + i + 3, last)] * bytes, m, f4,
                        w.dots, i);
            }
            for (int i = 0; i < c; i++) {
                finishInputs(i, qCoords, qCoordsOffset, ispQ, records, nodes[from + i] * bytes + ho, w);
            }
            ops.residualDistances(type.shape(), variance, w.s2, w.dots, w.ispQ, w.tileIsp, w.dist, c);
            for (int i = 0; i < c; i++) {
                w.childDist[Worker.GROUP * (from + i) + b] = childDistance(q, from + i, i, w);
            }
        }
    }

    /** Slot {@code at} of the lane-wise finish: query row q against the record whose header starts at {@code h}. */
    private void finishInputs(int at, long q, MemorySegment records, long h, Worker w) {
        finishInputs(at, qScaled, q * dim * 8L, qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, q), records, h, w);
    }

    /**
     * As above, for the query whose scaled coordinates are at {@code qOff} of {@code qCoords} and whose 1/√p is
     * {@code ispQ}: the dataset's arrays, or its own record (the same values).
     */
    private void finishInputs(int at, MemorySegment qCoords, long qOff, double ispQ, MemorySegment records, long h, Worker w) {
        w.s2[at] = ResidualFormula.squaredDistance(qCoords, qOff, records, h + 8, dim);
        w.ispQ[at] = ispQ;
        w.tileIsp[at] = records.get(ValueLayout.JAVA_DOUBLE, h);
    }

    /** Child i's finished distance to query row q, from slot {@code at}; 0 for a point with itself. */
    private double childDistance(long q, int i, int at, Worker w) {
        return self && w.childPoint[i] == q ? 0 : w.dist[at];
    }

    /** Fewer V columns than this: the block's products are too short for a BLAS call to pay. */
    static final int MIN_PRODUCT_COLUMNS = 16;

    /** With a BLAS product, {@link ProductBlock}'s block size; otherwise the register-tiled block's. */
    @Override
    public int bruteBlock(MatrixProduct product, long queries, int threads) {
        return usesProduct(product) ? ProductBlock.block(queries, m, threads) : Worker.BLOCK;
    }

    private boolean usesProduct(MatrixProduct product) {
        return product != null && m >= MIN_PRODUCT_COLUMNS;
    }

    /**
     * The brute force's block. With a BLAS product (and at least {@value #MIN_PRODUCT_COLUMNS} columns),
     * {@link ProductBlock}. Otherwise the dot products are a small matrix product done GEMM-style here: the block's
     * V rows are packed as float64 once, each tile of four dataset rows is packed once and multiplied
     * against every four packed queries ({@link VectorOps#dot4x4}) while it sits in L1, and the sixteen
     * distances of a 4 x 4 block are finished lane-wise ({@link VectorOps#residualDistances}).
     */
    @Override
    public void searchBlock(QuerySet qs, KnnOptions opt, long[] rows, int b, Worker w, MatrixProduct product) {
        if (usesProduct(product)) {
            productBlock.search(qs, opt, rows, b, w, product);
            return;
        }
        long n = data.size();
        int d = dim;
        int padded = (b + 3) & ~3;
        // the block's queries, packed: V rows as float64, and per 4-query quad its scaled coordinates and
        // 1/sqrt(p) broadcast to the 16 lanes of a 4 x 4 block (lane 4r + c pairs query r with tile row c)
        double[] qPack = w.scratch(Worker.Q_PACK, padded * m);
        double[] qCoords = w.scratch(Worker.Q_COORDS, padded / 4 * d * 16);
        double[] qIspLanes = w.scratch(Worker.Q_ISP, padded / 4 * 16);
        long[] quadLimit = w.quadLimit;
        long jEnd = 0;
        for (int r = 0; r < padded; r++) {
            long row = rows[Math.min(r, b - 1)];
            ops.pack(qv.segment(), qv.rowOffset(row), m, f4, qPack, r * m);
            int quad = r >> 2;
            for (int c = 0; c < 4; c++) {
                int lane = 4 * (r & 3) + c;
                for (int k = 0; k < d; k++) {
                    qCoords[(quad * d + k) * 16 + lane] = qScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, row * d + k);
                }
                qIspLanes[quad * 16 + lane] = qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, row);
            }
            long lim = qs.idLimit(row, opt, n);
            quadLimit[quad] = (r & 3) == 0 ? lim : Math.max(quadLimit[quad], lim);
            jEnd = Math.max(jEnd, lim);
            if (r < b && qs.selfCounts(row, opt, n)) {
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
                double isp = dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, jj);
                for (int r = 0; r < 4; r++) {
                    tIsp[4 * r + c] = isp;
                    for (int k = 0; k < d; k++) {
                        tCoords[k * 16 + 4 * r + c] = dScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, jj * d + k);
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
                System.arraycopy(qIspLanes, quad * 16, ispQ, 0, 16);
                ops.residualDistances(type.shape(), variance, s2, dots, ispQ, tIsp, dist, 16);
                for (int r = 0; r < Math.min(4, b - q4); r++) {
                    long row = rows[q4 + r];
                    long lim = qs.idLimit(row, opt, n);
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

    /** Residual k-th distances lie close below 1 for neighbouring points; Euclidean ones in eight or more dimensions do not. */
    @Override
    public boolean capsFromNeighbour() {
        return true;
    }

    @Override
    public double treeCoordinate(long j, int k) {
        return dScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, j * dim + k);
    }

    @Override
    public void treeCoordinates(long j, int count, double[] dst) {
        MemorySegment.copy(dScaled, ValueLayout.JAVA_DOUBLE, j * dim * 8L, dst, 0, count * dim);
    }

    @Override
    public int summaryColumns() {
        return m;
    }

    /**
     * A bulk copy ({@link Matrix#copyRows}), not the vector kernels' widening: the build calls it once per
     * point, mostly before the JIT has compiled either, and the vector kernels' interpreted form allocates per
     * operation. Widening is exact either way.
     */
    @Override
    public void summaryRow(long j, double[] out) {
        dv.copyRows(j, 1, out);
    }

    @Override
    public double summaryInvSqrtP(long j) {
        return dIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, j);
    }

    /** {@link Dataset#vNorms}' computation (exact widening, {@code squaredNormPlain}, square root) on the row. */
    @Override
    public double summaryNorm(double[] row) {
        return Math.sqrt(ops.squaredNormPlain(row, 0, m));
    }

    @Override
    public void prepareBoundsQuery(long q, Worker w) {
        w.recordQuery = -1;
        double[] x = w.boxQuery(dim);
        for (int k = 0; k < dim; k++) {
            x[k] = qScaled.getAtIndex(ValueLayout.JAVA_DOUBLE, q * dim + k);
        }
        prepareBounds(q, qv.segment(), qv.rowOffset(q), qIsp.getAtIndex(ValueLayout.JAVA_DOUBLE, q), w);
    }

    /**
     * The record holds the point's V row as stored, its 1/√p and its scaled coordinates ({@link #writeRecord}):
     * the same values as the dataset's rows, read where the neighbouring queries' searches just read.
     */
    @Override
    public void prepareBoundsQuery(long q, MemorySegment records, long offset, Worker w) {
        if (!self) {
            prepareBoundsQuery(q, w);
            return;
        }
        w.recordQuery = q;
        w.queryRecords = records;
        w.queryRecordOffset = offset;
        long h = offset + headerOffset();
        double[] x = w.boxQuery(dim);
        for (int k = 0; k < dim; k++) {
            x[k] = records.get(ValueLayout.JAVA_DOUBLE, h + 8 + 8L * k);
        }
        prepareBounds(q, records, offset, records.get(ValueLayout.JAVA_DOUBLE, h), w);
    }

    /** The rest of a query's preparation, from its V row at {@code rowOffset} of {@code rows} and its 1/√p. */
    private void prepareBounds(long q, MemorySegment rows, long rowOffset, double isp, Worker w) {
        if (kernelBounds == null) {
            // a benign race: every thread's table holds the same values
            kernelBounds = new KernelBounds(type, variance);
        }
        double[] packed = w.scratch(Worker.Q_PACK, m);
        ops.pack(rows, rowOffset, m, f4, packed, 0);
        // Dataset#vNorms' value (the same widened row, the same sum), computed here: the global pass would run
        // single-threaded at the first query, before the JIT has compiled it, while the other threads wait
        w.boundNorm = Math.sqrt(ops.squaredNormPlain(packed, 0, m));
        w.boundIsp = isp;
        // the columns the interval bound reads: those of V_q above SMALL_COLUMN σ; the others' |V_qu| summed
        int[] cols = w.boundColumns(m);
        double threshold = SMALL_COLUMN * Math.sqrt(variance);
        double small = 0;
        int count = 0;
        for (int u = 0; u < m; u++) {
            double a = Math.abs(packed[u]);
            if (a > threshold) {
                cols[count++] = u;
            } else {
                small += a;
            }
        }
        w.boundColumnCount = count;
        // a sum of at most m non-negative terms: within m u of the exact, relative
        w.boundSmallL1 = small * normRel;
    }

    /**
     * V columns where {@code |V_qu|} is at most this many σ are left out of a query's interval bound and
     * bounded together through {@code Σ|V_qu|} (see {@link #nodeLowerBound}): V rows of a spatial field have
     * a few large entries (the inducing points near the point) and many tiny ones, so the bound reads a
     * few columns instead of m and loses at most {@code m · 1e-6 ‖V_j‖} in the dot product.
     */
    static final double SMALL_COLUMN = 1e-6;

    /**
     * The structure bound of the bounds tree: for every point j of the node, the distance as
     * {@link #distance} computes it is at least the returned value.
     *
     * <p>The computed distance is {@code fl√(1 − min(|ρ̃|, 1))} with {@code ρ̃ = ((k̃ − d̃) ispQ) ispJ},
     * {@code k̃ = σ² corr̃(s̃²)} and {@code d̃} the computed {@code V_q · V_j}. Each piece is bounded over
     * the node:
     * <ul>
     *   <li>{@code s̃²}: the per-dimension gaps to the box (smallest and largest) are at most, and at
     *       least, the computed {@code |x_qk − x_jk|} of any point inside, because rounding is monotone;
     *       summed by the same FMA chain as {@link #distance} they bound {@code s̃²} exactly, no
     *       allowance needed.</li>
     *   <li>{@code k̃}: the exact kernel is monotone in s², but the computed one only to within its
     *       rounding: {@code corr̃ = corr (1 + θ)} with {@code |θ| ≤ (3a + 10) u} (a the exponent, at
     *       most 708 before {@code exp} returns 0, where the exact value is below 1e-302). The range over the
     *       box, from the nearest and farthest s², is read from {@link KernelBounds}' tables, widened by
     *       twice {@value #KERNEL_REL} relative (forty times what θ needs) and {@value #KERNEL_ABS} σ²
     *       absolute; its javadoc has the argument for the table's grid.</li>
     *   <li>{@code d̃}: split the columns into B, where {@code |V_qu|} exceeds {@link #SMALL_COLUMN} σ, and the
     *       rest S. Over B the exact {@code Σ V_qu V_ju} lies in the interval sums {@code [Σ min(a_u, b_u),
     *       Σ max(a_u, b_u)]} with {@code a_u = V_qu lo_u}, {@code b_u = V_qu hi_u} from the node's column ranges
     *       (rounded outward to float32); computed, each sum is within {@code γ_m · abs} of the exact one,
     *       {@code abs = Σ max(|a_u|, |b_u|)}. Over S, {@code |Σ V_qu V_ju| ≤ Σ_S |V_qu| · max_u |V_ju| ≤
     *       ‖V_q,S‖₁ ‖V_j‖ ≤ small}, with the query's computed {@code ‖V_q,S‖₁} and the node's largest computed
     *       norm each widened by {@code 1 + 4 (m + 4) u}. The distance's own dot product is within
     *       {@code γ_m Σ_u |V_qu V_ju| ≤ γ_m (abs (1 + γ_m) + small)} of the exact one, γ_m ≤ {@code 3 (m + 2) u}.
     *       So both ends move out by {@code (2 + 2⁻⁴⁰) γ_m abs + (1 + γ_m) small}, widened by 2⁻⁵⁰ relative for
     *       its own roundings and by {@code 2⁻⁵⁰ (|lo| + |hi| + σ²)} absolute, which covers rounding the two
     *       ends and subtracting them from the kernel values (each within half an ulp of numbers below that
     *       sum).</li>
     *   <li>{@code ispJ ≤ maxIsp}, the node's largest stored {@code 1/√p}.</li>
     * </ul>
     * A first, O(1) stage replaces the interval by Cauchy–Schwarz, {@code |d̃| ≤ ‖V_q‖ ‖V_j‖ (1 + γ_m)}, with
     * the computed norms (each within {@code γ_m} of the exact) and the node's largest; widened by
     * {@code 4 (m + 4) u} it bounds every computed dot product. When that bound already exceeds
     * {@code w.boundCutoff} (the k-th distance) the node is pruned without the interval; otherwise the
     * larger of the two bounds is returned (both hold).
     * Then {@code |ρ̃| ≤ max(|k_lo − d_hi|, |k_hi − d_lo|) ispQ maxIsp (1 + 6u)}, widened here by
     * {@code 1e-14}; the final {@code √(1 − min(·, 1))} is the same monotone operation sequence as the
     * distance's, so the bound holds for the computed distance itself.
     */
    @Override
    public double nodeLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, Worker w) {
        // the box's nearest and farthest sides in one pass: the farthest is wanted unless the cheap stage prunes
        double near = layout.nearFarSquared(nodes, node, w.boxQuery, w.boundFar);
        if (near == 0) {
            // the query lies in the node's box: such a node is opened whatever its bound, and 0 bounds anything
            return 0;
        }
        double kHi = kernelBounds.upper(near);
        double ispProduct = ispProduct(layout.maxIsp(nodes, node), w);
        // first the O(1) bound: |V_q · V_j| <= |V_q| |V_j| (Cauchy-Schwarz); often enough far from the inducing
        // points. The kernel is positive, so kHi is the larger of |kLo| and |kHi|.
        double cheapBound = cheapBound(kHi, layout.maxNorm(nodes, node), ispProduct, w);
        if (cheapBound > w.boundCutoff) {
            return cheapBound;
        }
        double[] q = w.scratch(Worker.Q_PACK, m);
        int[] cols = w.boundColumns(m);
        double lo = 0;
        double hi = 0;
        double abs = 0;
        for (int i = 0, count = w.boundColumnCount; i < count; i++) {
            int u = cols[i];
            long at = layout.rangeAt(node, u);
            double a = q[u] * nodes.get(ValueLayout.JAVA_FLOAT, at);
            double b = q[u] * nodes.get(ValueLayout.JAVA_FLOAT, at + 4);
            lo += Math.min(a, b);
            hi += Math.max(a, b);
            abs += Math.max(Math.abs(a), Math.abs(b));
        }
        return intervalBound(lo, hi, abs, layout.maxNorm(nodes, node), kernelBounds.lower(w.boundFar[0]), kHi, ispProduct,
                cheapBound, w);
    }

    /** {@link #nodeLowerBound}'s bound on the product of the two 1/√p, from the node's largest. */
    private static double ispProduct(double maxIsp, Worker w) {
        return w.boundIsp * maxIsp * (1 + 1e-14);
    }

    /**
     * {@link #nodeLowerBound}'s first stage from the kernel's upper end, the node's largest norm (the Cauchy–Schwarz
     * term) and the 1/√p product.
     */
    private double cheapBound(double kHi, double maxNorm, double ispProduct, Worker w) {
        double cs = w.boundNorm * maxNorm * normRel;
        double cheap = (kHi + cs) * (1 + 1e-15) * ispProduct;
        return cheap < 1.0 ? Math.sqrt(1.0 - cheap) : 0;
    }

    /**
     * {@link #nodeLowerBound}'s second stage from the interval sums over the large columns ({@code lo}, {@code hi},
     * {@code abs}), the node's largest norm (the small columns' term), the kernel's range and the 1/√p product; at
     * least {@code cheapBound}.
     */
    private double intervalBound(double lo, double hi, double abs, double maxNorm, double kLo, double kHi, double ispProduct,
                                 double cheapBound, Worker w) {
        double small = w.boundSmallL1 * maxNorm * normRel;
        double margin = ((2 + 0x1p-40) * dotRel * abs + (1 + dotRel) * small) * (1 + 0x1p-50)
                + 0x1p-50 * (Math.abs(lo) + Math.abs(hi) + variance);
        double c = Math.max(Math.abs(kLo - (hi + margin)), Math.abs(kHi - (lo - margin)));
        double rho = c * ispProduct;
        // NaN (an infinite column range times a zero) bounds nothing; both bounds hold, so the larger does
        return rho < 1.0 ? Math.max(cheapBound, Math.sqrt(1.0 - rho)) : cheapBound;
    }

    /**
     * {@link #nodeLowerBound}'s operations lane by lane, so each lane's bound is the same number as its binary
     * node's, and the argument there holds for it unchanged: the box sums and the interval sums are computed
     * for all lanes at once ({@link VectorOps#wideNearFar}, {@link VectorOps#wideIntervals}, the same
     * operations in the same order per lane), the kernel's range and the two stages per lane through the same
     * helpers (in vectors, the stages' selects and masks cost more than the lanes' scalar arithmetic). The
     * interval sums are computed only when some lane's cheap stage leaves it open.
     */
    @Override
    public void wideLowerBounds(MemorySegment nodes, WideNodeLayout layout, int node, Worker w) {
        double[] near = w.wideNear;
        double[] far = w.wideFar;
        double[] key = w.wideKey;
        ops.wideNearFar(nodes, layout.boxAt(node), dim, w.boxQuery, near, far);
        // the lanes the interval stage decides, as bits: not the query's own box, not pruned by the cheap stage
        int open = 0;
        for (int l = 0; l < WideNodeLayout.FAN; l++) {
            if (near[l] == 0) {
                key[l] = 0;
                continue;
            }
            double kHi = kernelBounds.upper(near[l]);
            double ispProduct = ispProduct(layout.maxIsp(nodes, node, l), w);
            double cheapBound = cheapBound(kHi, layout.maxNorm(nodes, node, l), ispProduct, w);
            key[l] = cheapBound;
            w.wideKHi[l] = kHi;
            w.wideIsp[l] = ispProduct;
            if (!(cheapBound > w.boundCutoff)) {
                open |= 1 << l;
            }
        }
        if (open == 0) {
            return;
        }
        ops.wideIntervals(nodes, layout.rangesAt(node), layout.columnStride(), w.boundColumns(m), w.boundColumnCount,
                w.scratch(Worker.Q_PACK, m), w.wideLo, w.wideHi, w.wideAbs);
        for (int l = 0; l < WideNodeLayout.FAN; l++) {
            if ((open & 1 << l) != 0) {
                key[l] = intervalBound(w.wideLo[l], w.wideHi[l], w.wideAbs[l], layout.maxNorm(nodes, node, l),
                        kernelBounds.lower(far[l]), w.wideKHi[l], w.wideIsp[l], key[l], w);
            }
        }
    }

    /** Relative widening of the kernel's range over a box (see {@link #nodeLowerBound}). */
    static final double KERNEL_REL = 1e-11;
    /** Absolute widening, in units of σ². */
    static final double KERNEL_ABS = 1e-300;

    @Override
    public double querySlack(long q) {
        // the slacks (see the class comment) are made on first use: only the cover tree needs them
        return queries.pointSlack().getAtIndex(ValueLayout.JAVA_DOUBLE, q);
    }

    @Override
    public double dataSlack(long j) {
        return data.pointSlack().getAtIndex(ValueLayout.JAVA_DOUBLE, j);
    }

    /**
     * The bound of the class comment, compared in squares so that one square root depends on the query
     * ({@code √(d² − η_q)}) and one on the node only.
     */
    @Override
    public boolean excludes(double dQueryCenter, double radius, double querySlack, double subtreeSlack, double bound) {
        if (!(subtreeSlack < Double.POSITIVE_INFINITY && querySlack < Double.POSITIVE_INFINITY)) {
            return false;
        }
        // the subtree's largest slack also bounds its centre's
        double etaQ = querySlack + subtreeSlack + querySlack * subtreeSlack;
        double exactQC2 = dQueryCenter * dQueryCenter - etaQ;
        if (!(exactQC2 > 0)) {
            return false;
        }
        double exactLower = Math.sqrt(exactQC2) - Math.sqrt(radius * radius + subtreeSlack * (2 + subtreeSlack));
        return exactLower > 0 && exactLower * exactLower - etaQ > bound * bound;
    }
}
