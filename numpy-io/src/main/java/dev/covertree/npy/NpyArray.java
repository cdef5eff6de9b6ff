package dev.covertree.npy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A NumPy array whose elements live off-heap in a {@link MemorySegment}: native byte order, C
 * (row-major) order, contiguous. Either a zero-copy read-only mapping of the file or, when the file's
 * layout did not allow that, a converted copy.
 *
 * <p>The segment lives as long as its arena. When the array was opened without an arena it owns one,
 * and {@link #close()} releases the data; otherwise the caller's arena decides and {@code close()} does
 * nothing. Accessing a closed array throws {@link IllegalStateException} naming the array.
 */
public final class NpyArray implements AutoCloseable {
    private final String source;
    private final NpyDType dtype;
    private final long[] shape;
    private final long[] strides;
    private final MemorySegment segment;
    private final Arena ownedArena;
    private final boolean mapped;

    NpyArray(String source, NpyDType dtype, long[] shape, MemorySegment segment, Arena ownedArena, boolean mapped) {
        this.source = source;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.segment = segment;
        this.ownedArena = ownedArena;
        this.mapped = mapped;
        this.strides = new long[shape.length];
        long stride = dtype.itemSize();
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
    }

    /**
     * Wraps memory the caller owns as an array, for example to write it or to hand it to code that takes
     * arrays. The segment must hold exactly the product of {@code shape} elements in C order.
     */
    public static NpyArray wrap(String name, MemorySegment segment, NpyDType dtype, long... shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension " + d);
            }
            count = Math.multiplyExact(count, d);
        }
        if (segment.byteSize() != count * dtype.itemSize()) {
            throw new IllegalArgumentException(name + ": segment has " + segment.byteSize() + " bytes, shape "
                    + NpyHeader.shapeString(shape) + " of " + dtype.code() + " needs " + count * dtype.itemSize());
        }
        return new NpyArray(name, dtype, shape, segment, null, false);
    }

    /** The file (or archive entry) this array came from. */
    public String source() {
        return source;
    }

    /** The element type. */
    public NpyDType dtype() {
        return dtype;
    }

    /** A copy of the shape; empty for a 0-d array. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int ndim() {
        return shape.length;
    }

    /** Length of one axis. */
    public long dim(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public long size() {
        return segment.byteSize() / dtype.itemSize();
    }

    /** A copy of the strides in bytes (C order, so the last is the item size). */
    public long[] strides() {
        return strides.clone();
    }

    /** The elements, native byte order, C order. Valid while the array's arena is open. */
    public MemorySegment segment() {
        return segment;
    }

    /** True when {@link #segment()} is the file itself, mapped read-only (no copy was made). */
    public boolean isMapped() {
        return mapped;
    }

    /** The largest power of two (up to 4096) that divides the data's address; NumPy files give 64. */
    public long alignment() {
        long a = segment.address() == 0 ? 4096 : Long.lowestOneBit(segment.address());
        return Math.min(a, 4096);
    }

    /** The shape in Python's spelling, for messages: {@code (3, 4)}. */
    public String shapeString() {
        return NpyHeader.shapeString(shape);
    }

    /** Byte offset of element (i, j) of a 2-d array. */
    public long elementOffset(long i, long j) {
        checkIndex(i, j);
        return i * strides[0] + j * strides[1];
    }

    /** Element {@code index} in C order, converted to double. */
    public double getDouble(long index) {
        checkFlat(index);
        return read(index * dtype.itemSize());
    }

    /** Element (i, j) of a 2-d array, converted to double. */
    public double getDouble(long i, long j) {
        return read(elementOffset(i, j));
    }

    /** Element {@code index} in C order of an integer or boolean array. */
    public long getLong(long index) {
        checkFlat(index);
        return readLong(index * dtype.itemSize());
    }

    /** Element (i, j) of a 2-d integer or boolean array. */
    public long getLong(long i, long j) {
        return readLong(elementOffset(i, j));
    }

    /** Tells the kernel how this array will be read (see {@link AccessHint}); true if the hint was given. */
    public boolean advise(AccessHint hint) {
        return Madvise.advise(segment, hint);
    }

    /** Releases the data if this array owns its arena; otherwise does nothing. */
    @Override
    public void close() {
        if (ownedArena != null && ownedArena.scope().isAlive()) {
            ownedArena.close();
        }
    }

    @Override
    public String toString() {
        return source + " " + dtype.code() + shapeString() + (mapped ? " mapped" : " in memory");
    }

    private double read(long offset) {
        try {
            return switch (dtype) {
                case F4 -> segment.get(ValueLayout.JAVA_FLOAT_UNALIGNED, offset);
                case F8 -> segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, offset);
                case I4 -> segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
                case I8 -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
                case U1, B1 -> Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
            };
        } catch (IllegalStateException e) {
            throw closed(e);
        }
    }

    private long readLong(long offset) {
        try {
            return switch (dtype) {
                case I4 -> segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
                case I8 -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
                case U1, B1 -> Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
                case F4, F8 -> throw new IllegalStateException(source + ": dtype " + dtype.code()
                        + " is not an integer type");
            };
        } catch (IllegalStateException e) {
            throw segment.scope().isAlive() ? e : closed(e);
        }
    }

    private IllegalStateException closed(IllegalStateException e) {
        return new IllegalStateException(source + ": the array was closed (its arena is no longer alive)", e);
    }

    private void checkFlat(long index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(source + ": index " + index + " out of bounds for " + size()
                    + " elements");
        }
    }

    private void checkIndex(long i, long j) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(source + ": 2-d access on an array of shape " + shapeString());
        }
        if (i < 0 || i >= shape[0] || j < 0 || j >= shape[1]) {
            throw new IndexOutOfBoundsException(source + ": index (" + i + ", " + j + ") out of bounds for shape "
                    + shapeString());
        }
    }
}
