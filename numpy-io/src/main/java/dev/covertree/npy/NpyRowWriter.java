package dev.covertree.npy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams the rows of an array of known shape into a {@code .npy} file without holding the array:
 * outputs can be larger than the heap or RAM.
 *
 * <p>Rows go to a hidden temporary file beside the target; {@link #commit()} checks that every row was
 * written and renames it to the final name. Closing without a commit deletes the temporary file, so a
 * failed or interrupted run never leaves a half-written file under the final name.
 *
 * <pre>{@code
 * try (NpyRowWriter w = NpyRowWriter.create(out, NpyDType.I8, new long[] {n, k}, false)) {
 *     for (...) w.write(block);   // whole rows, native order
 *     w.commit();
 * }
 * }</pre>
 */
public final class NpyRowWriter implements AutoCloseable {
    private static final int CHUNK = 1 << 24;

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final long rowBytes;
    private final long rows;
    private final boolean overwrite;
    private long written;
    private boolean committed;

    private NpyRowWriter(Path target, Path temp, FileChannel channel, long rowBytes, long rows, boolean overwrite) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.rowBytes = rowBytes;
        this.rows = rows;
        this.overwrite = overwrite;
    }

    /**
     * Starts a file. {@code shape[0]} is the number of rows; a row is the product of the other dimensions
     * (one element for a 1-d array).
     *
     * @param overwrite when false, an existing file at {@code path} is an error (checked now and at commit)
     */
    public static NpyRowWriter create(Path path, NpyDType dtype, long[] shape, boolean overwrite) throws IOException {
        if (shape.length == 0) {
            throw new IllegalArgumentException(path + ": a streamed array needs at least one dimension");
        }
        long rowElems = 1;
        for (int i = 1; i < shape.length; i++) {
            rowElems = Math.multiplyExact(rowElems, shape[i]);
        }
        if (!overwrite && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and overwriting was not asked for");
        }
        Path temp = PartialFiles.createBeside(path);
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            byte[] header = NpyHeader.encode(dtype, shape);
            // the whole file's room up front: a full disk fails here, naming the output, not after the rows
            FileSpace.reserve(temp, header.length + Math.multiplyExact(Math.multiplyExact(rowElems, dtype.itemSize()),
                    shape[0]), path.toString());
            writeFully(ch, ByteBuffer.wrap(header));
        } catch (IOException | ArithmeticException e) {
            ch.close();
            PartialFiles.discard(temp);
            throw e;
        }
        return new NpyRowWriter(path, temp, ch, rowElems * dtype.itemSize(), shape[0], overwrite);
    }

    /** Writes one array at once: the segment holds all of {@code shape} in C order, native byte order. */
    public static void write(Path path, MemorySegment data, NpyDType dtype, long[] shape, boolean overwrite)
            throws IOException {
        long[] streamed = shape.length == 0 ? new long[] {1} : shape;
        try (NpyRowWriter w = create(path, dtype, streamed, overwrite)) {
            w.write(data);
            w.commitAs(shape, dtype);
        }
    }

    /** Writes an array as it is, for example to save a converted copy. */
    public static void write(Path path, NpyArray array, boolean overwrite) throws IOException {
        write(path, array.segment(), array.dtype(), array.shape(), overwrite);
    }

    /** Appends whole rows. */
    public void write(MemorySegment block) throws IOException {
        if (committed) {
            throw new IllegalStateException(target + ": already committed");
        }
        long n = rowBytes == 0 ? 0 : block.byteSize() / rowBytes;
        if (rowBytes != 0 && block.byteSize() % rowBytes != 0) {
            throw new IllegalArgumentException(target + ": " + block.byteSize() + " bytes is not a whole number of "
                    + rowBytes + "-byte rows");
        }
        if (written + n > rows) {
            throw new IllegalStateException(target + ": more than the declared " + rows + " rows");
        }
        for (long off = 0; off < block.byteSize(); off += CHUNK) {
            writeFully(channel, SegmentBytes.of(block.asSlice(off, Math.min(CHUNK, block.byteSize() - off))));
        }
        written += n;
    }

    /** Rows written so far. */
    public long rowsWritten() {
        return written;
    }

    /** Checks that all rows were written and moves the file to its final name. */
    public void commit() throws IOException {
        if (written != rows) {
            throw new IllegalStateException(target + ": " + written + " of " + rows + " rows written");
        }
        channel.close();
        PartialFiles.commit(temp, target, overwrite);
        committed = true;
    }

    /** A 0-d array is streamed as one row of shape (1,); its header is rewritten before the commit. */
    private void commitAs(long[] shape, NpyDType dtype) throws IOException {
        if (shape.length == 0) {
            byte[] h0 = NpyHeader.encode(dtype, shape);
            byte[] h1 = NpyHeader.encode(dtype, new long[] {1});
            if (h0.length != h1.length) {
                throw new IllegalStateException("header sizes differ: " + Arrays.toString(shape));
            }
            channel.position(0);
            writeFully(channel, ByteBuffer.wrap(h0));
        }
        commit();
    }

    /** Deletes the temporary file unless the array was committed. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
        if (!committed) {
            PartialFiles.discard(temp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
