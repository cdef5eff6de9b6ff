package dev.covertree.engine.internal.linalg;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * {@code cblas_dgemm} through a hand-written downcall. The call is {@linkplain Linker.Option#critical critical}
 * with heap access: the arrays are passed in place, with no copy to native memory, and the product of a
 * block of queries by a tile (milliseconds) holds off the garbage collector for no longer than that.
 * OpenBLAS runs on the calling thread ({@link NativeLinearAlgebra#openBlas} sets one thread): the search
 * parallelises over query blocks itself.
 */
final class OpenBlasProduct implements MatrixProduct {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    static final MatrixProduct INSTANCE = load();

    private final MethodHandle dgemm;

    private OpenBlasProduct(MethodHandle dgemm) {
        this.dgemm = dgemm;
    }

    private static MatrixProduct load() {
        if ("java".equalsIgnoreCase(System.getProperty("covertree.blas"))) {
            return null;
        }
        try {
            SymbolLookup blas = NativeLinearAlgebra.openBlas();
            Optional<MemorySegment> f = blas == null ? Optional.empty() : blas.find("cblas_dgemm");
            if (f.isEmpty()) {
                return null;
            }
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            ValueLayout.OfDouble d = ValueLayout.JAVA_DOUBLE;
            ValueLayout a = ValueLayout.ADDRESS;
            MethodHandle h = Linker.nativeLinker().downcallHandle(f.get(),
                    FunctionDescriptor.ofVoid(i, i, i, i, i, i, d, a, i, a, i, d, a, i), Linker.Option.critical(true));
            return new OpenBlasProduct(h);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    @Override
    public void multiplyTransposed(double[] a, int aOff, int rows, double[] b, int cols, int n, double[] c, int cOff, int ldc) {
        if (rows == 0 || cols == 0) {
            return;
        }
        try {
            dgemm.invokeExact(ROW_MAJOR, NO_TRANS, TRANS, rows, cols, n, 1.0, MemorySegment.ofArray(a).asSlice(8L * aOff), n,
                    MemorySegment.ofArray(b), n, 0.0, MemorySegment.ofArray(c).asSlice(8L * cOff), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_dgemm failed", t);
        }
    }

    @Override
    public String name() {
        return "openblas dgemm";
    }
}
