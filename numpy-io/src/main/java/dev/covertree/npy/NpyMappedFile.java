package dev.covertree.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A new {@code .npy} file of known shape whose data is a writable memory mapping: any thread fills any
 * part of {@link #data()} in place, and the kernel writes pages back as it likes, so the array can be
 * larger than the heap or RAM. Like {@link NpyRowWriter} it is built under a hidden temporary name;
 * {@link #commit()} renames it, and closing without a commit deletes it.
 *
 * <p>The commit does not force the pages to disk: once the mapping is written they are the file's, whatever
 * happens to this process, and the kernel writes them back in its own time, as it does for any file
 * written through the page cache ({@code numpy.save} included). Forcing them cost a full synchronous write
 * of the output, which for the large outputs of an all-points job took longer than some searches; the
 * guarantee given up is only against the machine itself failing within the kernel's write-back delay.
 */
public final class NpyMappedFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final Arena arena;
    private final MemorySegment data;
    private final boolean overwrite;
    private boolean committed;

    private NpyMappedFile(Path target, Path temp, Arena arena, MemorySegment data, boolean overwrite) {
        this.target = target;
        this.temp = temp;
        this.arena = arena;
        this.data = data;
        this.overwrite = overwrite;
    }

    /**
     * Creates the file (zero-filled, its blocks reserved where the file system can, so that a full disk is
     * an {@link IOException} here rather than a fault while the mapping is written) and maps its data.
     */
    public static NpyMappedFile create(Path path, NpyDType dtype, long[] shape, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and overwriting was not asked for");
        }
        long bytes = dtype.itemSize();
        for (long d : shape) {
            bytes = Math.multiplyExact(bytes, d);
        }
        byte[] header = NpyHeader.encode(dtype, shape);
        Path temp = PartialFiles.createBeside(path);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.wrap(header);
            while (h.hasRemaining()) {
                ch.write(h);
            }
            if (bytes > 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), header.length + bytes - 1);
                FileSpace.reserve(temp, header.length + bytes, path.toString());
            }
            MemorySegment data = bytes == 0 ? arena.allocate(1).asSlice(0, 0)
                    : ch.map(FileChannel.MapMode.READ_WRITE, header.length, bytes, arena);
            return new NpyMappedFile(path, temp, arena, data, overwrite);
        } catch (IOException | RuntimeException e) {
            arena.close();
            PartialFiles.discard(temp);
            throw e;
        }
    }

    /**
     * Faults in every page of the data now, as if written (Linux {@code MADV_POPULATE_WRITE}; elsewhere, or on
     * a kernel before 5.14, nothing happens and false is returned). For a file about to be written in scattered
     * order, e.g. a search's rows in its tree's order: each first write to a page of a shared file mapping is
     * a page fault through the file system, which for a large output can cost more than the search; the
     * kernel's one pass costs a small part of that. Only for a file that fits in memory with room to spare:
     * the populated pages are dirty at once, and where the kernel must write them back before the search fills
     * them, the file is written twice.
     */
    public boolean populateForWrite() {
        return Madvise.populateForWrite(data);
    }

    /** The array's elements, native byte order, C order; writable until commit or close. */
    public MemorySegment data() {
        return data;
    }

    /** The final path. */
    public Path path() {
        return target;
    }

    /** Unmaps the data and moves the file to its final name. */
    public void commit() throws IOException {
        arena.close();
        PartialFiles.commit(temp, target, overwrite);
        committed = true;
    }

    /** Unmaps; deletes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        if (arena.scope().isAlive()) {
            arena.close();
        }
        if (!committed) {
            PartialFiles.discard(temp);
        }
    }
}
