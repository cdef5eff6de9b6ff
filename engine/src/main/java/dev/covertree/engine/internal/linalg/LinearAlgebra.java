package dev.covertree.engine.internal.linalg;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;

/**
 * The two dense operations building V needs, on row-major float64 segments: a Cholesky factorisation
 * and a triangular solve. Native OpenBLAS/LAPACKE when the libraries are installed, otherwise a
 * pure-Java implementation (with one warning); {@code -Dcovertree.blas=java} forces the latter.
 */
public interface LinearAlgebra {
    /**
     * Replaces the lower triangle of the symmetric positive-definite n x n matrix {@code a} by its
     * Cholesky factor L (A = L Lᵀ); the upper triangle is left undefined.
     *
     * @return 0 on success, or i &gt; 0 when the leading minor of order i is not positive definite
     */
    public int cholesky(MemorySegment a, int n);

    /** {@code B ← B L⁻ᵀ} for B with {@code rows} rows of m, L lower m x m: solves X Lᵀ = B. */
    public void solveLowerTransposedRight(MemorySegment l, int m, MemorySegment b, int rows);

    /** Short name for reports: "openblas" or "java". */
    public String name();

    /** The fastest available implementation. */
    public static LinearAlgebra best() {
        return Holder.BEST;
    }

    /** The pure-Java implementation. */
    public static LinearAlgebra java() {
        return JavaLinearAlgebra.INSTANCE;
    }

    /** Picks once, warning once when falling back. */
    public final class Holder {
        static final LinearAlgebra BEST = choose();

        private Holder() {
        }

        private static LinearAlgebra choose() {
            if ("java".equalsIgnoreCase(System.getProperty("covertree.blas"))) {
                return JavaLinearAlgebra.INSTANCE;
            }
            LinearAlgebra nat = NativeLinearAlgebra.load();
            if (nat == null) {
                System.getLogger("dev.covertree.engine").log(Level.WARNING, "OpenBLAS/LAPACKE not found "
                        + "(apt-get install libopenblas0-pthread liblapacke); building V with the slower pure-Java code");
                return JavaLinearAlgebra.INSTANCE;
            }
            return nat;
        }
    }
}
