package dev.covertree.engine.prepare;

import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.internal.linalg.LinearAlgebra;
import dev.covertree.engine.internal.util.Parallel;
import dev.covertree.engine.internal.vector.ResidualFormula;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongConsumer;

/**
 * The inducing points and the Cholesky factor of their kernel matrix: what turns coordinates into
 * residual inputs, for the dataset and for query points alike.
 *
 * <p>{@code K_UU = k(U, U) + 1e-6 σ² I = L Lᵀ}; for a point x, {@code V_x = L⁻¹ k(U, x)} and
 * {@code p_x = max(σ² − ‖V_x‖², 1e-9)}, all in float64. Rows are processed in blocks: a block's
 * {@code k(x, U)} is computed into per-thread scratch, solved in place against Lᵀ (one BLAS {@code dtrsm}),
 * and written out as float32 or float64, so N x m never exists twice.
 */
public final class ResidualBasis implements AutoCloseable {
    /** Jitter added to the diagonal of K_UU, relative to the variance. */
    public static final double JITTER = 1e-6;
    /** Floor of p. */
    public static final double P_FLOOR = 1e-9;
    private static final int BLOCK_ROWS = 256;

    private final Kernel kernel;
    private final int m;
    private final int d;
    private final Arena arena;
    private final MemorySegment l;
    /** The inducing points' scaled coordinates, m x d. */
    private final double[] scaledU;
    private final LinearAlgebra la;
    private final long[] inducingIds;

    private ResidualBasis(Kernel kernel, double[] scaledU, int m, int d, Arena arena, MemorySegment l, LinearAlgebra la,
                          long[] inducingIds) {
        this.kernel = kernel;
        this.scaledU = scaledU;
        this.m = m;
        this.d = d;
        this.arena = arena;
        this.l = l;
        this.la = la;
        this.inducingIds = inducingIds;
    }

    /** Chooses the inducing points among {@code coords} and factorises their kernel matrix. */
    public static ResidualBasis build(Kernel kernel, Matrix coords, Inducing choice) {
        return build(kernel, coords, choice, LinearAlgebra.best());
    }

    static ResidualBasis build(Kernel kernel, Matrix coords, Inducing choice, LinearAlgebra la) {
        coords.checkFinite();
        kernel.checkDimension((int) coords.cols());
        long[] ids = choice.choose(coords);
        int d = (int) coords.cols();
        double[][] u = new double[ids.length][d];
        for (int a = 0; a < ids.length; a++) {
            for (int k = 0; k < d; k++) {
                u[a][k] = coords.get(ids[a], k);
            }
        }
        return fromCoordinates(kernel, u, ids, la);
    }

    /**
     * Factorises the kernel matrix of inducing points given by their coordinates (m x d), not chosen among
     * dataset points (a name of its own: {@link #build} reads its Matrix as the dataset).
     */
    public static ResidualBasis atInducingCoordinates(Kernel kernel, Matrix inducingCoords) {
        inducingCoords.checkFinite();
        kernel.checkDimension((int) inducingCoords.cols());
        if (inducingCoords.rows() < 1 || inducingCoords.rows() > 100_000) {
            throw new InvalidInputException(inducingCoords.name() + ": " + inducingCoords.rows()
                    + " inducing points (expected 1 to 100000)");
        }
        double[][] u = new double[(int) inducingCoords.rows()][(int) inducingCoords.cols()];
        for (int a = 0; a < u.length; a++) {
            for (int k = 0; k < u[a].length; k++) {
                u[a][k] = inducingCoords.get(a, k);
            }
        }
        return fromCoordinates(kernel, u, null, LinearAlgebra.best());
    }

    private static ResidualBasis fromCoordinates(Kernel kernel, double[][] u, long[] ids, LinearAlgebra la) {
        int m = u.length;
        int d = u[0].length;
        double[] su = new double[m * d];
        for (int a = 0; a < m; a++) {
            for (int k = 0; k < d; k++) {
                su[a * d + k] = u[a][k] / kernel.lengthscale(k);
            }
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment l = arena.allocate(ValueLayout.JAVA_DOUBLE, (long) m * m);
            for (int a = 0; a < m; a++) {
                for (int b = 0; b <= a; b++) {
                    double kab = kernel.value(ResidualFormula.squaredDistance(su, a * d, su, b * d, d))
                            + (a == b ? JITTER * kernel.variance() : 0);
                    l.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) a * m + b, kab);
                    l.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) b * m + a, kab);
                }
            }
            int info = la.cholesky(l, m);
            if (info != 0) {
                throw new InvalidInputException("the kernel matrix of the " + m + " inducing points is not positive definite "
                        + "(failed at row " + info + "): inducing points that are duplicates or nearly so for lengthscale "
                        + java.util.Arrays.toString(kernel.lengthscale()) + ", with jitter 1e-6*variance too small. Use fewer "
                        + "inducing points, --inducing-method kmeans++, or a shorter lengthscale");
            }
            for (int a = 0; a < m; a++) { // the factorisation leaves the upper triangle as it was
                for (int b = a + 1; b < m; b++) {
                    l.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) a * m + b, 0.0);
                }
            }
            return new ResidualBasis(kernel, su, m, d, arena, l, la, ids);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }


    /** Number of inducing points m. */
    public int inducing() {
        return m;
    }

    /** The dataset ids of the inducing points (sorted), or null when they were given as coordinates. */
    public long[] inducingIds() {
        return inducingIds == null ? null : inducingIds.clone();
    }

    /** The kernel. */
    public Kernel kernel() {
        return kernel;
    }

    /** Which linear algebra ran: "openblas" or "java". */
    public String backend() {
        return la.name();
    }

    /**
     * Computes V (N x m, {@code vType}) and p (N, float64) for every row of {@code coords}, in parallel
     * over blocks of rows, writing into {@code v} and {@code p} (off-heap, or mapped files).
     *
     * @param progress told how many more rows are done, from worker threads; may be null
     */
    public void compute(Matrix coords, MemorySegment v, NpyDType vType, MemorySegment p, int threads,
                        LongConsumer progress) {
        long n = coords.rows();
        if (coords.cols() != d) {
            throw new InvalidInputException(coords.name() + ": " + coords.cols() + " dimensions, the inducing points have " + d);
        }
        if (vType != NpyDType.F4 && vType != NpyDType.F8) {
            throw new InvalidInputException("V can be stored as f4 or f8, not " + vType.code());
        }
        if (v.byteSize() != n * m * vType.itemSize() || p.byteSize() != n * 8) {
            throw new IllegalArgumentException("output segments do not match " + n + " x " + m);
        }
        coords.checkFinite();
        // a block's work is per-row methods, not loops in this lambda: a lambda called once per block with
        // long loops was compiled again at each loop (on-stack replacement, everything inlined each time), ten
        // C2 compilations of it in one run
        Parallel.forEachChunk(threads, n, BLOCK_ROWS, () -> new BlockScratch(m, d), (w, from, to) -> {
            int rows = (int) (to - from);
            for (int r = 0; r < rows; r++) {
                kernelRow(coords, from + r, w, r);
            }
            la.solveLowerTransposedRight(l, m, w.block.asSlice(0, (long) rows * m * 8), rows);
            for (int r = 0; r < rows; r++) {
                storeRow(w.block, r, from + r, v, vType, p);
            }
            if (progress != null) {
                progress.accept(rows);
            }
        });
    }

    /** Row {@code r} of the block: {@code k(x_row, U)}, the point's coordinates scaled by the lengthscales. */
    private void kernelRow(Matrix coords, long row, BlockScratch w, int r) {
        double[] x = w.x;
        for (int k = 0; k < d; k++) {
            x[k] = coords.get(row, k) / kernel.lengthscale(k);
        }
        for (int a = 0; a < m; a++) {
            w.block.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * m + a, kernel.value(
                ResidualFormula.squaredDistance(x, 0, scaledU, a * d, d)));
        }
    }

    /** Solved row {@code r} of the block into V's row {@code row} (as {@code vType}), and {@code p_row = σ² − ‖V_row‖²}. */
    private void storeRow(MemorySegment block, int r, long row, MemorySegment v, NpyDType vType, MemorySegment p) {
        double norm = 0;
        long out = row * m;
        for (int a = 0; a < m; a++) {
            double val = block.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * m + a);
            norm = Math.fma(val, val, norm);
            if (vType == NpyDType.F4) {
                v.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, out + a, (float) val);
            } else {
                v.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, out + a, val);
            }
        }
        p.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, row, Math.max(kernel.variance() - norm, P_FLOOR));
    }

    /** One worker's block of k(x, U) rows (native: BLAS solves it in place) and a point's scaled coordinates. */
    private static final class BlockScratch implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final MemorySegment block;
        final double[] x;

        BlockScratch(int m, int d) {
            block = arena.allocate(ValueLayout.JAVA_DOUBLE, (long) BLOCK_ROWS * m);
            x = new double[d];
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Frees L. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
