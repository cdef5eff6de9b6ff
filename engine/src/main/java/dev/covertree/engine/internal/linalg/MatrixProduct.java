package dev.covertree.engine.internal.linalg;

/**
 * A float64 matrix product {@code C = A Bᵀ} on row-major heap arrays, by a BLAS {@code dgemm}: what the
 * blocked brute force multiplies a block of query rows by a tile of dataset rows with. The product sums in
 * the library's own order, so callers use it only where they bound its rounding themselves.
 */
public interface MatrixProduct {
    /**
     * {@code c[cOff + r ldc + j] = Σ_u a[aOff + r n + u] b[j n + u]} for {@code r < rows}, {@code j < cols}: A is
     * rows x n, B is cols x n (both with leading dimension n), C rows x cols with leading dimension {@code ldc}.
     */
    void multiplyTransposed(double[] a, int aOff, int rows, double[] b, int cols, int n, double[] c, int cOff, int ldc);

    /** Short name for reports. */
    String name();

    /**
     * OpenBLAS's {@code cblas_dgemm}, or null when it is not installed, native access is denied, or
     * {@code -Dcovertree.blas=java} asks for the pure-Java code. Looked up once.
     */
    static MatrixProduct blas() {
        return OpenBlasProduct.INSTANCE;
    }
}
