package dev.covertree.engine.bounds;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.TreeFiles;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.PartialFiles;
import dev.covertree.npy.PlainSegment;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .btree} file: a header ({@link #HEADER}, one layout that both save and load use), then the
 * {@link BoundsTree}'s node structs, node order and point records exactly as they sit in memory, each
 * section starting on a 64-byte boundary so that mapped records keep the alignment their vector loads
 * expect. Loading maps the file and uses the sections in place; nothing is parsed.
 */
final class BoundsTreeFile {
    static final int VERSION = 3;
    private static final String REBUILD = "covertree build --engine bounds";
    private static final long MAGIC = 0x4d4646454552_5442L; // "BTREEFFM" little-endian
    /** What the records are: none, one row per point ({@link Metric#recordBytes}), or leaf columns. */
    private static final int NO_RECORDS = 0;
    private static final int ROWS = 1;
    private static final int LEAF_COLUMNS = 2;

    static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG_UNALIGNED.withName("magic"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("version"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("metric"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("n"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("dimension"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("inducing"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("fingerprint"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("byteOrderMark"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("stride"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("nodeCount"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("leaf"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("recordKind"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("recordBytes"));
    private static final long HEADER_BYTES = 128;
    private static final VarHandle MAGIC_H = field("magic");
    private static final VarHandle VERSION_H = field("version");
    private static final VarHandle METRIC_H = field("metric");
    private static final VarHandle N_H = field("n");
    private static final VarHandle DIM_H = field("dimension");
    private static final VarHandle M_H = field("inducing");
    private static final VarHandle PRINT_H = field("fingerprint");
    private static final VarHandle BOM_H = field("byteOrderMark");
    private static final VarHandle STRIDE_H = field("stride");
    private static final VarHandle COUNT_H = field("nodeCount");
    private static final VarHandle LEAF_H = field("leaf");
    private static final VarHandle KIND_H = field("recordKind");
    private static final VarHandle RECORD_H = field("recordBytes");

    private BoundsTreeFile() {
    }

    private static VarHandle field(String name) {
        return HEADER.varHandle(MemoryLayout.PathElement.groupElement(name)).withInvokeExactBehavior();
    }

    /** The records a bounds tree over {@code data} keeps: their kind and total bytes. */
    private static int recordKind(Metric metric) {
        return metric.leafColumns() ? LEAF_COLUMNS : metric.recordBytes() > 0 ? ROWS : NO_RECORDS;
    }

    private static long recordBytes(Metric metric, long n, int d) {
        return switch (recordKind(metric)) {
            case LEAF_COLUMNS -> 8L * n * d;
            case ROWS -> n * metric.recordBytes();
            default -> 0;
        };
    }

    private static long align(long x) {
        return (x + 63) & -64L;
    }

    static void save(BoundsTree tree, MemorySegment nodes, MemorySegment order, MemorySegment records, Path path,
                     boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and overwriting was not asked for");
        }
        Dataset data = tree.data();
        Metric metric = Metric.of(data);
        Path temp = PartialFiles.createBeside(path);
        try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            MemorySegment h = a.allocate(HEADER_BYTES);
            MAGIC_H.set(h, 0L, MAGIC);
            VERSION_H.set(h, 0L, VERSION);
            METRIC_H.set(h, 0L, data.metricType().fileCode());
            N_H.set(h, 0L, data.size());
            DIM_H.set(h, 0L, data.dimension());
            M_H.set(h, 0L, data.inducing());
            PRINT_H.set(h, 0L, TreeFiles.fingerprint(data));
            BOM_H.set(h, 0L, TreeFiles.BOM);
            STRIDE_H.set(h, 0L, tree.layout().stride());
            COUNT_H.set(h, 0L, tree.nodeCount());
            LEAF_H.set(h, 0L, BoundsTree.LEAF);
            KIND_H.set(h, 0L, recordKind(metric));
            RECORD_H.set(h, 0L, records == null ? 0L : records.byteSize());
            long at = TreeFiles.write(ch, h, 0);
            for (MemorySegment s : new MemorySegment[] {nodes, order, records}) {
                if (s != null) {
                    at = TreeFiles.write(ch, s, align(at));
                }
            }
            ch.force(false);
        } catch (IOException | RuntimeException e) {
            PartialFiles.discard(temp);
            throw e;
        }
        PartialFiles.commit(temp, path, overwrite);
    }

    static BoundsTree load(Path path, Dataset data) throws IOException {
        String src = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(src, null, "no such tree file");
        }
        Metric metric = Metric.of(data);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new InvalidInputException(src + ": not a tree file (too short)");
            }
            MemorySegment f = PlainSegment.map(ch, FileChannel.MapMode.READ_ONLY, 0, size, arena);
            TreeFiles.checkHeader(src, ".btree", "bounds tree format", REBUILD, (long) MAGIC_H.get(f, 0L) == MAGIC,
                    (long) BOM_H.get(f, 0L) == TreeFiles.BOM, (int) VERSION_H.get(f, 0L), VERSION);
            long n = (long) N_H.get(f, 0L);
            int metricCode = (int) METRIC_H.get(f, 0L);
            int dim = (int) DIM_H.get(f, 0L);
            int m = (int) M_H.get(f, 0L);
            TreeFiles.checkBuiltFrom(src, data, metricCode, n, dim, m, (long) PRINT_H.get(f, 0L));
            int count = (int) COUNT_H.get(f, 0L);
            BoundsNodeLayout layout = new BoundsNodeLayout(dim, metric.summaryColumns(), count);
            long recordBytes = (long) RECORD_H.get(f, 0L);
            if ((long) STRIDE_H.get(f, 0L) != layout.stride() || (int) LEAF_H.get(f, 0L) != BoundsTree.LEAF
                    || count != BoundsNodeLayout.nodeCount((int) n, BoundsTree.LEAF)
                    || (int) KIND_H.get(f, 0L) != recordKind(metric) || recordBytes != recordBytes(metric, n, dim)) {
                throw new InvalidInputException(src + ": a bounds tree of another layout (another build of this program, "
                        + "or vector kernels switched on or off since); rebuild the tree (" + REBUILD + ")");
            }
            long nodesAt = align(HEADER_BYTES);
            long orderAt = align(nodesAt + layout.byteSize());
            long recordsAt = align(orderAt + 4 * n);
            long expected = recordBytes > 0 ? recordsAt + recordBytes : orderAt + 4 * n;
            if (size != expected) {
                throw new InvalidInputException(src + ": truncated or corrupt tree file (" + size + " bytes, expected "
                        + expected + ")");
            }
            return BoundsTree.mapped(data, arena, layout, f.asSlice(nodesAt, layout.byteSize()), f.asSlice(orderAt, 4 * n),
                    recordBytes > 0 ? f.asSlice(recordsAt, recordBytes) : null, count);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }
}
