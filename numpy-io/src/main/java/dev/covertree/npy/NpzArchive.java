package dev.covertree.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A NumPy {@code .npz} archive (as written by {@code np.savez} / {@code np.savez_compressed}), read
 * entry by entry. The archive maps its file once; stored entries are mapped in place, deflated ones are
 * inflated into off-heap memory. Arrays stay valid until the archive is closed.
 */
public final class NpzArchive implements AutoCloseable {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    private record Entry(String name, int flags, int method, long compressedSize, long size, long localHeader, int crc) {
    }

    private final String source;
    private final Arena arena;
    private final MemorySegment file;
    private final Map<String, Entry> entries;

    private NpzArchive(String source, Arena arena, MemorySegment file, Map<String, Entry> entries) {
        this.source = source;
        this.arena = arena;
        this.file = file;
        this.entries = entries;
    }

    /** Opens an archive and reads its directory. */
    public static NpzArchive open(Path path) throws IOException {
        Npy.checkReadable(path);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = PlainSegment.map(ch, FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new NpzArchive(path.toString(), arena, file, readDirectory(file, path.toString()));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Array names, in archive order, without the {@code .npy} suffix. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Opens an entry with default options. */
    public NpyArray get(String name) throws IOException {
        return get(name, NpyReadOptions.DEFAULT);
    }

    /**
     * Opens an entry. The array lives in the archive's arena: closing the array does nothing, closing
     * the archive releases it.
     *
     * @throws NpyFormatException when there is no such entry, or it is not a readable array; a
     *                            deflated entry when {@code options} forbid copies
     */
    public NpyArray get(String name, NpyReadOptions options) throws IOException {
        Entry e = entries.get(name);
        String where = source + "[" + name + "]";
        if (e == null) {
            throw new NpyFormatException(source, "no array named '" + name + "' (it has " + names() + ")");
        }
        if (e.localHeader + 30 > file.byteSize() || file.get(U32, e.localHeader) != 0x04034b50) {
            throw new NpyFormatException(where, "corrupt archive (bad local header)");
        }
        // general-purpose flags: encrypted (bit 0), patched (bit 5) or strongly encrypted (bit 6) data is not an array
        if (((e.flags | Short.toUnsignedInt(file.get(U16, e.localHeader + 6))) & 0x61) != 0) {
            throw new NpyFormatException(where, "an encrypted or patched archive entry, which cannot be read as an array");
        }
        int localNameLen = Short.toUnsignedInt(file.get(U16, e.localHeader + 26));
        long data = e.localHeader + 30 + localNameLen + Short.toUnsignedLong(file.get(U16, e.localHeader + 28));
        // the local header repeats the entry's name; zip readers (NumPy's among them) refuse an archive where
        // the two differ, a sign that the header, and so what follows it, is damaged
        if (e.localHeader + 30 + localNameLen > file.byteSize() || !e.name.equals(new String(
                file.asSlice(e.localHeader + 30, localNameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8))) {
            throw new NpyFormatException(where, "corrupt archive: the entry's local header names another file");
        }
        if (data + e.compressedSize > file.byteSize()) {
            throw new NpyFormatException(where, "truncated archive");
        }
        MemorySegment raw = file.asSlice(data, e.compressedSize);
        if (e.method == STORED) {
            if (e.compressedSize != e.size) {
                throw new NpyFormatException(where, "corrupt archive: a stored entry of " + e.compressedSize
                        + " bytes that says it holds " + e.size);
            }
            checkCrc(raw, e.crc, where);
            return NpyImage.toArray(raw, where, arena, null, true, options);
        }
        if (e.method != DEFLATED) {
            throw new NpyFormatException(where, "unsupported compression method " + e.method);
        }
        if (!options.allowCopy()) {
            throw new NpyFormatException(where, "is compressed, so it cannot be mapped, and copying was not allowed");
        }
        MemorySegment image = arena.allocate(e.size, 64);
        inflate(raw, image, where);
        checkCrc(image, e.crc, where);
        return NpyImage.toArray(image, where, arena, null, false, options);
    }

    /**
     * The entry's bytes against the directory's CRC-32, as zip readers (and NumPy's) check them: a mismatch
     * means the archive was damaged, and an answer from damaged data would be silently wrong. One pass over
     * the entry, at memory speed.
     */
    private static void checkCrc(MemorySegment bytes, int expected, String where) throws NpyFormatException {
        CRC32 crc = new CRC32();
        final long chunk = 1L << 30;
        for (long off = 0; off < bytes.byteSize(); off += chunk) {
            crc.update(bytes.asSlice(off, Math.min(chunk, bytes.byteSize() - off)).asByteBuffer());
        }
        if ((int) crc.getValue() != expected) {
            throw new NpyFormatException(where, String.format("corrupt archive: the entry's CRC-32 is %08x, the archive "
                    + "says %08x", (int) crc.getValue(), expected));
        }
    }

    /** Releases every array read from this archive. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private static void inflate(MemorySegment in, MemorySegment out, String where) throws NpyFormatException {
        final long chunk = 1L << 30;
        Inflater inf = new Inflater(true);
        try {
            long inOff = 0;
            long outOff = 0;
            while (!inf.finished()) {
                if (inf.needsInput()) {
                    if (inOff >= in.byteSize()) {
                        throw new NpyFormatException(where, "truncated compressed data");
                    }
                    long n = Math.min(chunk, in.byteSize() - inOff);
                    inf.setInput(in.asSlice(inOff, n).asByteBuffer());
                    inOff += n;
                }
                if (outOff >= out.byteSize()) {
                    if (inf.inflate(new byte[1]) > 0) {
                        throw new NpyFormatException(where, "inflates to more than its declared size");
                    }
                    if (inf.needsInput() && inOff >= in.byteSize()) {
                        break;
                    }
                    continue;
                }
                var buf = out.asSlice(outOff, Math.min(chunk, out.byteSize() - outOff)).asByteBuffer();
                outOff += inf.inflate(buf);
            }
            if (outOff != out.byteSize()) {
                throw new NpyFormatException(where, "inflates to " + outOff + " bytes, the archive says " + out.byteSize());
            }
        } catch (DataFormatException e) {
            throw new NpyFormatException(where, "corrupt compressed data: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    private static Map<String, Entry> readDirectory(MemorySegment f, String source) throws NpyFormatException {
        long size = f.byteSize();
        long eocd = -1;
        for (long p = size - 22; p >= Math.max(0, size - 22 - 65535); p--) {
            if (f.get(U32, p) == 0x06054b50) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw new NpyFormatException(source, "not an .npz (zip) archive: no end-of-directory record");
        }
        long count = Short.toUnsignedLong(f.get(U16, eocd + 10));
        long cdSize = Integer.toUnsignedLong(f.get(U32, eocd + 12));
        long cdOffset = Integer.toUnsignedLong(f.get(U32, eocd + 16));
        long cdEnd = eocd;
        boolean oneDisk = f.get(U16, eocd + 4) == 0 && f.get(U16, eocd + 6) == 0
                && f.get(U16, eocd + 8) == f.get(U16, eocd + 10);
        if ((count == 0xFFFF || cdOffset == 0xFFFFFFFFL) && eocd >= 20 && f.get(U32, eocd - 20) == 0x07064b50) {
            long z = f.get(U64, eocd - 20 + 8);
            if (z < 0 || z + 56 > size || f.get(U32, z) != 0x06064b50) {
                throw new NpyFormatException(source, "corrupt zip64 directory");
            }
            oneDisk = f.get(U32, z + 16) == 0 && f.get(U32, z + 20) == 0 && f.get(U64, z + 24) == f.get(U64, z + 32);
            count = f.get(U64, z + 32);
            cdSize = f.get(U64, z + 40);
            cdOffset = f.get(U64, z + 48);
            cdEnd = z;
        }
        // the directory ends where the end records begin; an archive whose records disagree (or that says it
        // spans several disks) is damaged, and zip readers refuse it
        if (!oneDisk || cdOffset < 0 || cdSize < 0 || cdOffset + cdSize != cdEnd) {
            throw new NpyFormatException(source, "corrupt archive: its end-of-directory record does not match its directory");
        }
        Map<String, Entry> map = new LinkedHashMap<>();
        long p = cdOffset;
        for (long i = 0; i < count; i++) {
            if (p < 0 || p + 46 > size || f.get(U32, p) != 0x02014b50) {
                throw new NpyFormatException(source, "corrupt archive directory");
            }
            int method = Short.toUnsignedInt(f.get(U16, p + 10));
            int crc = f.get(U32, p + 16);
            long csize = Integer.toUnsignedLong(f.get(U32, p + 20));
            long usize = Integer.toUnsignedLong(f.get(U32, p + 24));
            int nameLen = Short.toUnsignedInt(f.get(U16, p + 28));
            int extraLen = Short.toUnsignedInt(f.get(U16, p + 30));
            int commentLen = Short.toUnsignedInt(f.get(U16, p + 32));
            long local = Integer.toUnsignedLong(f.get(U32, p + 42));
            if (p + 46 + nameLen + extraLen > size) {
                throw new NpyFormatException(source, "corrupt archive directory");
            }
            String name = new String(f.asSlice(p + 46, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            // zip64: the real sizes and offset sit in extra field 0x0001, in this order, for each that overflowed
            for (long x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen; ) {
                int id = Short.toUnsignedInt(f.get(U16, x));
                int len = Short.toUnsignedInt(f.get(U16, x + 2));
                if (id == 1) {
                    long q = x + 4;
                    if (usize == 0xFFFFFFFFL) {
                        usize = f.get(U64, q);
                        q += 8;
                    }
                    if (csize == 0xFFFFFFFFL) {
                        csize = f.get(U64, q);
                        q += 8;
                    }
                    if (local == 0xFFFFFFFFL) {
                        local = f.get(U64, q);
                    }
                }
                x += 4 + len;
            }
            map.put(name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name,
                    new Entry(name, Short.toUnsignedInt(f.get(U16, p + 8)), method, csize, usize, local, crc));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return Collections.unmodifiableMap(map);
    }
}
