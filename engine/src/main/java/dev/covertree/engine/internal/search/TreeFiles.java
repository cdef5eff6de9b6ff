package dev.covertree.engine.internal.search;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Matrix;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * What the saved trees ({@link dev.covertree.engine.cover.CoverTreeFile}, {@link dev.covertree.engine.bounds.BoundsTreeFile}) share: the byte-order mark, the
 * dataset fingerprint and the check that a file was built from the dataset it is loaded with.
 */
public final class TreeFiles {
    /** Written in native order: read back as another number on a machine of the other byte order. */
    public static final long BOM = 0x0102030405060708L;

    private TreeFiles() {
    }

    /**
     * Fails unless a header's magic and byte-order mark are this program's and its format version is
     * {@code expected}; {@code ext} (".ctree"), {@code versionName} ("tree file format") and {@code rebuild}
     * (the command that makes a new file) word the messages.
     */
    public static void checkHeader(String src, String ext, String versionName, String rebuild, boolean magicOk, boolean bomOk,
                            int version, int expected) {
        if (!magicOk) {
            throw new InvalidInputException(src + ": not a covertree " + ext + " file (bad magic)");
        }
        if (!bomOk) {
            throw new InvalidInputException(src + ": written on a machine of the other byte order; rebuild the tree here ("
                    + rebuild + ")");
        }
        if (version != expected) {
            throw new InvalidInputException(src + ": " + versionName + " " + version + ", this program reads format "
                    + expected + "; rebuild the tree (" + rebuild + ")");
        }
    }

    /** Writes all of {@code s} at byte {@code at} of the file, in chunks; returns the offset after it. */
    public static long write(FileChannel ch, MemorySegment s, long at) throws IOException {
        for (long off = 0; off < s.byteSize(); off += 1 << 24) {
            ByteBuffer b = s.asSlice(off, Math.min(1 << 24, s.byteSize() - off)).asByteBuffer();
            long pos = at + off;
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
        }
        return at + s.byteSize();
    }

    /** Fails, naming the first difference, unless the file's header describes {@code data}. */
    public static void checkBuiltFrom(String src, Dataset data, int metric, long n, int dim, int m, long fingerprint) {
        String mismatch = metric != data.metricType().fileCode() ? "the metric (code " + metric + " in the tree, "
                + data.metricType().fileCode() + " = " + data.metricType() + " here)"
                : n != data.size() ? "N (" + n + " in the tree, " + data.size() + " in the data)"
                : dim != data.dimension() ? "the dimension (" + dim + " in the tree, " + data.dimension() + " in the data)"
                : m != data.inducing() ? "m (" + m + " in the tree, " + data.inducing() + " in the data)"
                : fingerprint != fingerprint(data) ? "the content (the arrays or the kernel differ)" : null;
        if (mismatch != null) {
            throw new InvalidInputException(src + ": was built from another dataset: " + mismatch);
        }
    }

    /** CRC32C over the shapes, the kernel and up to 1024 evenly spaced rows of every array: cheap at any N. */
    public static long fingerprint(Dataset data) {
        CRC32C crc = new CRC32C();
        ByteBuffer meta = ByteBuffer.allocate(64);
        meta.putLong(data.size()).putInt(data.dimension()).putInt(data.inducing()).putInt(data.metricType().fileCode());
        if (data.kernel() != null) {
            meta.putInt(data.kernel().type().fileCode()).putDouble(data.kernel().variance());
            for (double ls : data.kernel().lengthscale()) {
                crc.update(ByteBuffer.allocate(8).putDouble(0, ls));
            }
        }
        crc.update(meta.flip());
        long n = data.size();
        long step = Math.max(1, n / 1024);
        for (long r = 0; r < n; r += step) {
            for (Matrix x : new Matrix[] {data.coords(), data.v(), data.p()}) {
                if (x != null) {
                    long rowBytes = x.cols() * x.dtype().itemSize();
                    crc.update(x.segment().asSlice(x.rowOffset(r), rowBytes).asByteBuffer());
                }
            }
        }
        return crc.getValue();
    }
}
