package dev.covertree.engine;

import java.io.IOException;
import dev.covertree.npy.PartialFiles;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The {@code .ctree} file: a 64-byte header, then the node structs exactly as they sit in memory, then
 * the point-to-node map. Loading maps the file and uses the node segment in place; nothing is parsed.
 *
 * <pre>
 * offset  0  magic "CTREEFFM"          offset 32  dataset fingerprint (CRC32C of shapes, kernel, sampled rows)
 *         8  format version (int)             40  byte order mark 0x0102030405060708
 *        12  metric ordinal (int)             48  node size in bytes (int), then 12 bytes reserved
 *        16  N (long)
 *        24  d (int), 28 m (int)
 * </pre>
 */
final class CoverTreeFile {
    static final int VERSION = 3;
    private static final long MAGIC = 0x4d4646454552_5443L; // "CTREEFFM" little-endian
    private static final long BOM = 0x0102030405060708L;
    private static final int HEADER = 64;

    private CoverTreeFile() {
    }

    static void save(CoverTree tree, Path path, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and overwriting was not asked for");
        }
        Dataset data = tree.data();
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.nativeOrder());
        h.putLong(MAGIC).putInt(VERSION).putInt(data.metricType().ordinal()).putLong(data.size())
                .putInt(data.dimension()).putInt(data.inducing()).putLong(fingerprint(data)).putLong(BOM)
                .putInt((int) NodeLayout.BYTES);
        h.position(0);
        Path temp = PartialFiles.createBeside(path);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            write(ch, h);
            for (MemorySegment s : new MemorySegment[] {tree.nodes, tree.nodeOf}) {
                for (long off = 0; off < s.byteSize(); off += 1 << 24) {
                    write(ch, s.asSlice(off, Math.min(1 << 24, s.byteSize() - off)).asByteBuffer());
                }
            }
            ch.force(false);
        } catch (IOException | RuntimeException e) {
            PartialFiles.discard(temp);
            throw e;
        }
        PartialFiles.commit(temp, path, overwrite);
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static CoverTree load(Path path, Dataset data) throws IOException {
        String src = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(src, null, "no such tree file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) {
                throw new InvalidInputException(src + ": not a tree file (too short)");
            }
            MemorySegment f = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            ValueLayout.OfLong l = ValueLayout.JAVA_LONG_UNALIGNED;
            ValueLayout.OfInt i = ValueLayout.JAVA_INT_UNALIGNED;
            if (f.get(l, 0) != MAGIC) {
                throw new InvalidInputException(src + ": not a covertree .ctree file (bad magic)");
            }
            if (f.get(l, 40) != BOM) {
                throw new InvalidInputException(src + ": written on a machine of the other byte order");
            }
            if (f.get(i, 8) != VERSION || f.get(i, 48) != NodeLayout.BYTES) {
                throw new InvalidInputException(src + ": tree file format version " + f.get(i, 8) + ", this program reads "
                        + VERSION);
            }
            long n = f.get(l, 16);
            String mismatch = f.get(i, 12) != data.metricType().ordinal() ? "metric"
                    : n != data.size() ? "N (" + n + " in the tree, " + data.size() + " in the data)"
                    : f.get(i, 24) != data.dimension() ? "dimension"
                    : f.get(i, 28) != data.inducing() ? "m"
                    : f.get(l, 32) != fingerprint(data) ? "content (the arrays or kernel differ)" : null;
            if (mismatch != null) {
                throw new InvalidInputException(src + ": was built from another dataset: " + mismatch + " differs");
            }
            long nodesBytes = n * NodeLayout.BYTES;
            if (size != HEADER + nodesBytes + 4 * n) {
                throw new InvalidInputException(src + ": truncated or corrupt tree file (" + size + " bytes, expected "
                        + (HEADER + nodesBytes + 4 * n) + ")");
            }
            return new CoverTree(data, arena, f.asSlice(HEADER, nodesBytes), f.asSlice(HEADER + nodesBytes, 4 * n), 0, 0,
                    ScratchSpace.auto());
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** CRC32C over the shapes, the kernel and up to 1024 evenly spaced rows of every array: cheap at any N. */
    static long fingerprint(Dataset data) {
        CRC32C crc = new CRC32C();
        ByteBuffer meta = ByteBuffer.allocate(64);
        meta.putLong(data.size()).putInt(data.dimension()).putInt(data.inducing()).putInt(data.metricType().ordinal());
        if (data.kernel() != null) {
            meta.putInt(data.kernel().type().ordinal()).putDouble(data.kernel().variance());
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
