package dev.covertree.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;

/**
 * A file mapping's memory seen as a plain native segment: the same pages, address, size, arena and
 * read-only state, but the segment class of native memory.
 *
 * <p>Why: the JDK's segment access paths (the Vector API's loads and stores, the layouts' var handles) are
 * methods shared by every caller in the process, and the JIT compiles each caller's loop from the segment
 * classes those methods have met. A mapped file's segment and native memory (trees, scratch, results) are
 * two classes; a search kernel compiled after meeting both runs a whole search markedly slower than one that
 * has met native memory only (docs/benchmarks.md, "The spatial floor", session 31). So every mapping this
 * project makes is read and written through a plain view, and only the mapping's own operations (none are
 * used: no {@code force}, {@code load}) would need the mapped segment.
 *
 * <p>Making the view is a restricted method ({@link MemorySegment#reinterpret(long, Arena, java.util.function.Consumer)}):
 * where native access is not granted to this module (on the module path without
 * {@code --enable-native-access=dev.covertree.npy}) the mapped segment itself is returned, which reads and
 * writes the same bytes.
 */
public final class PlainSegment {
    private PlainSegment() {
    }

    /**
     * Maps {@code size} bytes of {@code ch} from {@code offset} in {@code arena} ({@link FileChannel#map(FileChannel.MapMode,
     * long, long, Arena)}) and returns the mapping as a plain view ({@link #of}): how this project maps a file.
     */
    public static MemorySegment map(FileChannel ch, FileChannel.MapMode mode, long offset, long size, Arena arena)
            throws IOException {
        return of(ch.map(mode, offset, size, arena), arena);
    }

    /** {@code mapped}'s memory as a native segment of {@code arena} (the arena it was mapped in); others as they are. */
    public static MemorySegment of(MemorySegment mapped, Arena arena) {
        if (!mapped.isMapped()) {
            return mapped;
        }
        MemorySegment plain;
        try {
            plain = MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null);
        } catch (IllegalCallerException e) {
            return mapped;
        }
        return mapped.isReadOnly() ? plain.asReadOnly() : plain;
    }
}
