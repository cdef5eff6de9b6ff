package dev.covertree.npy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@code .npz} archive that {@code np.load} reads: each array an entry {@code name.npy},
 * stored (mappable in place by {@link NpzArchive}) or deflated (smaller).
 */
public final class NpzWriter implements AutoCloseable {
    private static final int CHUNK = 1 << 20;

    private final Path path;
    private final ZipOutputStream zip;
    private final boolean compress;
    private final byte[] buf = new byte[CHUNK];

    private NpzWriter(Path path, ZipOutputStream zip, boolean compress) {
        this.path = path;
        this.zip = zip;
        this.compress = compress;
    }

    /**
     * Creates an archive.
     *
     * @param compress  deflate the entries (like {@code np.savez_compressed}); otherwise store them
     * @param overwrite replace an existing file
     */
    public static NpzWriter create(Path path, boolean compress, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and overwriting was not asked for");
        }
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), CHUNK);
        return new NpzWriter(path, new ZipOutputStream(out), compress);
    }

    /** Adds an array: the segment holds {@code shape} in C order, native byte order. */
    public void add(String name, MemorySegment data, NpyDType dtype, long... shape) throws IOException {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (data.byteSize() != count * dtype.itemSize()) {
            throw new IllegalArgumentException(path + "[" + name + "]: " + data.byteSize() + " bytes for shape "
                    + NpyHeader.shapeString(shape) + " of " + dtype.code());
        }
        byte[] header = NpyHeader.encode(dtype, shape);
        ZipEntry entry = new ZipEntry(name + ".npy");
        if (compress) {
            entry.setMethod(ZipEntry.DEFLATED);
        } else {
            // a stored entry needs its size and CRC before the data
            CRC32 crc = new CRC32();
            crc.update(header);
            for (long off = 0; off < data.byteSize(); off += CHUNK) {
                crc.update(SegmentBytes.of(data.asSlice(off, Math.min(CHUNK, data.byteSize() - off))));
            }
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(header.length + data.byteSize());
            entry.setCompressedSize(header.length + data.byteSize());
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(header);
        for (long off = 0; off < data.byteSize(); off += CHUNK) {
            int n = (int) Math.min(CHUNK, data.byteSize() - off);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, buf, 0, n);
            zip.write(buf, 0, n);
        }
        zip.closeEntry();
    }

    /** Adds an array as it is. */
    public void add(String name, NpyArray array) throws IOException {
        add(name, array.segment(), array.dtype(), array.shape());
    }

    /** Finishes the archive. */
    @Override
    public void close() throws IOException {
        zip.close();
    }
}
