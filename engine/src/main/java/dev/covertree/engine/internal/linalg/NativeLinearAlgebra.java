package dev.covertree.engine.internal.linalg;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * {@code LAPACKE_dpotrf} and {@code cblas_dtrsm} from Debian's OpenBLAS and LAPACKE, through hand-written
 * downcalls looked up once. OpenBLAS is told to use one thread: the callers parallelise over row blocks.
 */
public final class NativeLinearAlgebra implements LinearAlgebra {
    private static final int ROW_MAJOR = 101;
    private static final int TRANS = 112;
    private static final int LOWER = 122;
    private static final int NON_UNIT = 131;
    private static final int RIGHT = 142;

    private final MethodHandle dpotrf;
    private final MethodHandle dtrsm;

    private NativeLinearAlgebra(MethodHandle dpotrf, MethodHandle dtrsm) {
        this.dpotrf = dpotrf;
        this.dtrsm = dtrsm;
    }

    /** The native implementation, or null when a library or symbol is missing or native access is denied. */
    public static NativeLinearAlgebra load() {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup blas = openBlas();
            SymbolLookup lapacke = library("liblapacke.so.3", "liblapacke.so");
            if (blas == null || lapacke == null) {
                return null;
            }
            Optional<MemorySegment> potrf = lapacke.find("LAPACKE_dpotrf");
            Optional<MemorySegment> trsm = blas.find("cblas_dtrsm");
            if (potrf.isEmpty() || trsm.isEmpty()) {
                return null;
            }
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            MethodHandle dpotrf = linker.downcallHandle(potrf.get(), FunctionDescriptor.of(i, i, ValueLayout.JAVA_BYTE, i,
                    ValueLayout.ADDRESS, i));
            MethodHandle dtrsm = linker.downcallHandle(trsm.get(), FunctionDescriptor.ofVoid(i, i, i, i, i, i, i,
                    ValueLayout.JAVA_DOUBLE, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i));
            return new NativeLinearAlgebra(dpotrf, dtrsm);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static final SymbolLookup OPEN_BLAS = findOpenBlas();

    /**
     * The system's CBLAS (OpenBLAS where installed), told once to use one thread, or null: every caller
     * parallelises over row blocks itself, and OpenBLAS's own threads would compete with those.
     */
    static SymbolLookup openBlas() {
        return OPEN_BLAS;
    }

    private static SymbolLookup findOpenBlas() {
        try {
            OpenBlasCoreType.chooseBeforeLoading();
            SymbolLookup blas = library("libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3");
            if (blas != null) {
                blas.find("openblas_set_num_threads").ifPresent(f -> {
                    try {
                        Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)).invokeExact(1);
                    } catch (Throwable t) {
                        // only a thread-count preference
                    }
                });
            }
            return blas;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static SymbolLookup library(String... names) {
        for (String n : names) {
            try {
                return SymbolLookup.libraryLookup(n, Arena.global());
            } catch (IllegalArgumentException e) {
                // not installed under this name
            }
        }
        return null;
    }

    @Override
    public int cholesky(MemorySegment a, int n) {
        try {
            return (int) dpotrf.invokeExact(ROW_MAJOR, (byte) 'L', n, a, n);
        } catch (Throwable t) {
            throw new IllegalStateException("LAPACKE_dpotrf failed", t);
        }
    }

    @Override
    public void solveLowerTransposedRight(MemorySegment l, int m, MemorySegment b, int rows) {
        try {
            dtrsm.invokeExact(ROW_MAJOR, RIGHT, LOWER, TRANS, NON_UNIT, rows, m, 1.0, l, m, b, m);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_dtrsm failed", t);
        }
    }

    @Override
    public String name() {
        return "openblas";
    }
}
