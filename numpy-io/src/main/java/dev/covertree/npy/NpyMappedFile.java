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
 *
 * <p>An array of at most {@link #IN_MEMORY_BYTES} is kept on the heap instead (a segment over a {@code long[]},
 * so 8-byte aligned) and written at the commit, with one write: mapping and unmapping a file, and faulting in
 * its pages one by one, cost a small answer (a repeated call's hundreds of rows) several times its search.
 * The temporary file exists from the start either way.
 */
public final class NpyMappedFile implements AutoCloseable {
    /** Arrays up to this many bytes are kept in memory and written at the commit, not mapped. */
    public static final long IN_MEMORY_BYTES = 4L << 20;

    private final Path target;
    private final Path temp;
    /** The mapping's arena; null for an array kept in memory (on the heap, freed with this object). */
    private final Arena mapping;
    private final MemorySegment data;
    private final long dataOffset;
    private final boolean overwrite;
    private boolean committed;

    private NpyMappedFile(Path target, Path temp, Arena mapping, MemorySegment data, long dataOffset, boolean overwrite) {
        this.target = target;
        this.temp = temp;
        this.mapping = mapping;
        this.data = data;
        this.dataOffset = dataOffset;
        this.overwrite = overwrite;
    }

    /**
     * Creates the file (zero-filled, its blocks reserved where the file system can, so that a full disk is
     * an {@link IOException} here rather than a fault while the mapping is written) and maps its data, or
     * for an array of at most {@link #IN_MEMORY_BYTES} keeps the data in zeroed memory until the commit
     * (after checking that the file system has room for it).
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
        boolean inMemory = bytes <= IN_MEMORY_BYTES;
        Arena mapping = inMemory ? null : Arena.ofShared();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.wrap(header);
            while (h.hasRemaining()) {
                ch.write(h);
            }
            if (inMemory) {
                FileSpace.check(temp, header.length + bytes, path.toString());
                // on the heap, whose young memory is in use already: fresh native memory costs a page fault per
                // page at first touch, more than the search of a few hundred queries; longs for 8-byte alignment
                MemorySegment data = MemorySegment.ofArray(new long[(int) ((bytes + 7) / 8)]).asSlice(0, bytes);
                return new NpyMappedFile(path, temp, null, data, header.length, overwrite);
            }
            FileSpace.reserve(temp, header.length + bytes, path.toString());
            ch.write(ByteBuffer.wrap(new byte[1]), header.length + bytes - 1);
            MemorySegment data = PlainSegment.map(ch, FileChannel.MapMode.READ_WRITE, header.length, bytes, mapping);
            return new NpyMappedFile(path, temp, mapping, data, header.length, overwrite);
        } catch (IOException | RuntimeException e) {
            if (mapping != null) {
                mapping.close();
            }
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
     * them, the file is written twice. An array kept in memory is resident already (true).
     */
    public boolean populateForWrite() {
        return mapping == null || Madvise.populateForWrite(data);
    }

    /** True when the data is a mapping of the file; false when it is kept in memory until the commit. */
    public boolean isMapped() {
        return mapping != null;
    }

    /**
     * The array's elements, native byte order, C order; writable until commit or close. A mapping, or for a
     * small array ({@link #isMapped} false) a heap segment: read and write it with {@code MemorySegment}'s
     * accessors, not through native calls.
     */
    public MemorySegment data() {
        return data;
    }

    /** The final path. */
    public Path path() {
        return target;
    }

    /** Unmaps the data (or writes it, when kept in memory) and moves the file to its final name. */
    public void commit() throws IOException {
        if (mapping != null) {
            mapping.close();
        } else {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer b = SegmentBytes.of(data);
                for (long at = dataOffset; b.hasRemaining(); ) {
                    at += ch.write(b, at);
                }
            }
        }
        PartialFiles.commit(temp, target, overwrite);
        committed = true;
    }

    /** Unmaps; deletes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        if (mapping != null && mapping.scope().isAlive()) {
            mapping.close();
        }
        if (!committed) {
            PartialFiles.discard(temp);
        }
    }
}
