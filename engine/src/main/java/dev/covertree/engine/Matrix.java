package dev.covertree.engine;

import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyDType;
import dev.covertree.engine.internal.vector.FiniteCheck;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major matrix of float32 or float64 values in a segment the caller owns, named for messages.
 * A vector is a matrix with one column.
 *
 * @param name    what the user calls it (a file name or an argument name)
 * @param segment {@code rows * cols} elements, C order, native byte order
 * @param dtype   {@link NpyDType#F4} or {@link NpyDType#F8}
 * @param rows    number of rows
 * @param cols    number of columns
 */
public record Matrix(String name, MemorySegment segment, NpyDType dtype, long rows, long cols) {

    /** Checks that the segment holds exactly {@code rows} x {@code cols} values of {@code dtype} (f4 or f8). */
    public Matrix {
        if (dtype != NpyDType.F4 && dtype != NpyDType.F8) {
            throw new InvalidInputException(name + ": dtype " + dtype.code() + " is not supported here (expected f4 or f8)");
        }
        if (rows < 0 || cols < 0 || segment.byteSize() != rows * cols * dtype.itemSize()) {
            throw new InvalidInputException(name + ": " + segment.byteSize() + " bytes do not hold " + rows + " x " + cols
                    + " " + dtype.code());
        }
    }

    /** Views a 2-d array as a matrix, or a 1-d array as a one-column matrix. */
    public static Matrix of(String name, NpyArray a) {
        if (a.ndim() == 2) {
            return new Matrix(name, a.segment(), a.dtype(), a.dim(0), a.dim(1));
        }
        if (a.ndim() == 1) {
            return new Matrix(name, a.segment(), a.dtype(), a.dim(0), 1);
        }
        throw new InvalidInputException(name + ": expected a 1-d or 2-d array, got shape " + a.shapeString());
    }

    /** Byte offset of row {@code i}. */
    public long rowOffset(long i) {
        return i * cols * dtype.itemSize();
    }

    /** Element (i, j) as a double. */
    public double get(long i, long j) {
        long off = (i * cols + j) * dtype.itemSize();
        return dtype == NpyDType.F4 ? segment.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off)
                : segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, off);
    }

    /**
     * Rows {@code [row, row + count)} as float64, row after row, into {@code dst} from index 0. One bulk copy
     * (float32 through a per-thread staging array, widened on the heap): the passes that call it run early in
     * a process, mostly before the JIT has compiled them, where reading a segment element by element costs
     * many times what reading an array does.
     */
    public void copyRows(long row, int count, double[] dst) {
        int n = Math.multiplyExact(count, (int) cols);
        if (dtype == NpyDType.F8) {
            MemorySegment.copy(segment, ValueLayout.JAVA_DOUBLE_UNALIGNED, rowOffset(row), dst, 0, n);
            return;
        }
        float[] floats = STAGING.get();
        if (floats.length < n) {
            floats = new float[n];
            STAGING.set(floats);
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT_UNALIGNED, rowOffset(row), floats, 0, n);
        for (int i = 0; i < n; i++) {
            dst[i] = floats[i];
        }
    }

    /** Per thread: float32 rows on their way to {@link #copyRows}'s float64 array. */
    private static final ThreadLocal<float[]> STAGING = ThreadLocal.withInitial(() -> new float[0]);

    /** Rows {@code [0, rows)} as a matrix of their own, on the same memory. */
    Matrix firstRows(long rows) {
        return new Matrix(name, segment.asSlice(0, rows * cols * dtype.itemSize()), dtype, rows, cols);
    }

    /** The largest magnitude of any element (0 for an empty matrix); the elements are finite. */
    double maxAbs() {
        if (rows == 0 || cols == 0) {
            return 0;
        }
        int chunk = (int) Math.max(1, STAGED_ELEMENTS / cols);
        double[] staged = new double[Math.multiplyExact(chunk, (int) cols)];
        double max = 0;
        for (long r = 0; r < rows; r += chunk) {
            int count = (int) Math.min(chunk, rows - r);
            copyRows(r, count, staged);
            for (int i = 0, n = count * (int) cols; i < n; i++) {
                max = Math.max(max, Math.abs(staged[i]));
            }
        }
        return max;
    }

    /** Elements a pass over the whole matrix copies to the heap at a time ({@link #copyRows}). */
    static final int STAGED_ELEMENTS = 4096;

    /** Throws naming the first NaN or infinite element, in C order. */
    public void checkFinite() {
        long e = FiniteCheck.firstNonFinite(segment, rows * cols, dtype == NpyDType.F4);
        if (e >= 0) {
            double v = get(e / cols, e % cols);
            throw new InvalidInputException(name + ": " + v + " at index " + (cols == 1 ? "" + e
                    : "(" + e / cols + ", " + e % cols + ")") + " (values must be finite)");
        }
    }

    String shape() {
        return cols == 1 ? "(" + rows + ",)" : "(" + rows + ", " + cols + ")";
    }
}
