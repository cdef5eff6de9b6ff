package dev.covertree.engine.cover;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.internal.search.NodeLayout;
import dev.covertree.engine.internal.search.TreeFiles;
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
 * The {@code .ctree} file: a 64-byte header ({@link #HEADER}, one layout that both save and load use),
 * then the node structs exactly as they sit in memory ({@link NodeLayout}), then the point-to-node map.
 * Loading maps the file and uses the node segment in place; nothing is parsed. Enums are stored as their
 * explicit {@code fileCode}s, never as ordinals.
 */
final class CoverTreeFile {
    /** Format 4: the header as a struct layout and explicit metric/kernel codes (3 and older: rebuild). */
    static final int VERSION = 4;
    private static final long MAGIC = 0x4d4646454552_5443L; // "CTREEFFM" little-endian

    static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG_UNALIGNED.withName("magic"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("version"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("metric"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("n"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("dimension"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("inducing"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("fingerprint"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("byteOrderMark"),
            ValueLayout.JAVA_INT_UNALIGNED.withName("nodeBytes"),
            MemoryLayout.paddingLayout(12));
    private static final VarHandle MAGIC_H = field("magic");
    private static final VarHandle VERSION_H = field("version");
    private static final VarHandle METRIC_H = field("metric");
    private static final VarHandle N_H = field("n");
    private static final VarHandle DIM_H = field("dimension");
    private static final VarHandle M_H = field("inducing");
    private static final VarHandle PRINT_H = field("fingerprint");
    private static final VarHandle BOM_H = field("byteOrderMark");
    private static final VarHandle NODE_BYTES_H = field("nodeBytes");

    private CoverTreeFile() {
    }

    private static VarHandle field(String name) {
        return HEADER.varHandle(MemoryLayout.PathElement.groupElement(name)).withInvokeExactBehavior();
    }

    static void save(CoverTree tree, Path path, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "exists and overwriting was not asked for");
        }
        Dataset data = tree.data();
        Path temp = PartialFiles.createBeside(path);
        try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            MemorySegment h = a.allocate(HEADER);
            MAGIC_H.set(h, 0L, MAGIC);
            VERSION_H.set(h, 0L, VERSION);
            METRIC_H.set(h, 0L, data.metricType().fileCode());
            N_H.set(h, 0L, data.size());
            DIM_H.set(h, 0L, data.dimension());
            M_H.set(h, 0L, data.inducing());
            PRINT_H.set(h, 0L, TreeFiles.fingerprint(data));
            BOM_H.set(h, 0L, TreeFiles.BOM);
            NODE_BYTES_H.set(h, 0L, (int) NodeLayout.BYTES);
            long at = TreeFiles.write(ch, h, 0);
            for (MemorySegment s : tree.segmentsToSave()) {
                at = TreeFiles.write(ch, s, at);
            }
            ch.force(false);
        } catch (IOException | RuntimeException e) {
            PartialFiles.discard(temp);
            throw e;
        }
        PartialFiles.commit(temp, path, overwrite);
    }

    static CoverTree load(Path path, Dataset data, ScratchSpace space) throws IOException {
        String src = path.toString();
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(src, null, "no such tree file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER.byteSize()) {
                throw new InvalidInputException(src + ": not a tree file (too short)");
            }
            MemorySegment f = PlainSegment.map(ch, FileChannel.MapMode.READ_ONLY, 0, size, arena);
            TreeFiles.checkHeader(src, ".ctree", "tree file format", "covertree build", (long) MAGIC_H.get(f, 0L) == MAGIC,
                    (long) BOM_H.get(f, 0L) == TreeFiles.BOM, (int) VERSION_H.get(f, 0L), VERSION);
            int nodeBytes = (int) NODE_BYTES_H.get(f, 0L);
            if (nodeBytes != NodeLayout.BYTES) {
                throw new InvalidInputException(src + ": tree nodes of " + nodeBytes + " bytes, this program's are "
                        + NodeLayout.BYTES + " (a corrupt file or another build); rebuild the tree (covertree build)");
            }
            long n = (long) N_H.get(f, 0L);
            int metric = (int) METRIC_H.get(f, 0L);
            int dim = (int) DIM_H.get(f, 0L);
            int m = (int) M_H.get(f, 0L);
            TreeFiles.checkBuiltFrom(src, data, metric, n, dim, m, (long) PRINT_H.get(f, 0L));
            long header = HEADER.byteSize();
            long nodesBytes = n * NodeLayout.BYTES;
            if (size != header + nodesBytes + 4 * n) {
                throw new InvalidInputException(src + ": truncated or corrupt tree file (" + size + " bytes, expected "
                        + (header + nodesBytes + 4 * n) + ")");
            }
            return new CoverTree(data, arena, f.asSlice(header, nodesBytes), f.asSlice(header + nodesBytes, 4 * n), 0, 0,
                    space);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }
}
