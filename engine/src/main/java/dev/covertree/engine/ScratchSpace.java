package dev.covertree.engine;

import dev.covertree.engine.internal.util.MemoryLimit;
import dev.covertree.engine.internal.util.NativeMemory;
import dev.covertree.npy.PlainSegment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Where a tree build puts its big arrays (nodes, node map, build scratch): native memory, or
 * memory-mapped temporary files when they would not fit in RAM.
 *
 * <p>A file-backed array is unlinked as soon as it is mapped: the mapping keeps the disk space until its
 * arena closes, and nothing is left behind whether the build succeeds, fails or the process is killed.
 * (Where the file system refuses to delete an open file, it is deleted when the JVM exits.)
 */
public final class ScratchSpace {
    /** How to choose. */
    public enum Mode {
        /** Files when the arrays need more than half of the memory the OS reports available, else memory. */
        AUTO,
        /** Always native memory. */
        MEMORY,
        /** Always memory-mapped temporary files. */
        FILES
    }

    private final Mode mode;
    private final Path directory;
    private final long available;

    private ScratchSpace(Mode mode, Path directory, long available) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.available = available;
    }

    /** The default: {@link Mode#AUTO}, files in the system temporary directory. */
    public static ScratchSpace auto() {
        return of(Mode.AUTO, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@code mode}, with temporary files (if any) in {@code directory}, which must exist. */
    public static ScratchSpace of(Mode mode, Path directory) {
        if (mode != Mode.MEMORY && !Files.isDirectory(directory)) {
            throw new InvalidInputException("scratch directory " + directory + " does not exist or is not a directory");
        }
        return new ScratchSpace(mode, directory, MemoryLimit.available());
    }

    /** For tests: AUTO decided against a given amount of available memory. */
    static ScratchSpace withAvailableMemory(Path directory, long bytes) {
        return new ScratchSpace(Mode.AUTO, directory, bytes);
    }

    /** True when arrays totalling {@code bytes} go to files. */
    public boolean usesFiles(long bytes) {
        return mode == Mode.FILES || (mode == Mode.AUTO && bytes > available / 2);
    }

    /** The directory of temporary files. */
    public Path directory() {
        return directory;
    }

    /**
     * A zeroed segment of {@code bytes} living as long as {@code arena}: native memory, or a mapped file
     * when {@code inFiles}.
     */
    public MemorySegment allocate(Arena arena, long bytes, boolean inFiles) {
        return allocate(arena, bytes, inFiles, 1);
    }

    /** As {@link #allocate(Arena, long, boolean)}, native memory first touched by {@code threads} threads. */
    public MemorySegment allocate(Arena arena, long bytes, boolean inFiles, int threads) {
        long size = Math.max(bytes, 8);
        if (!inFiles) {
            // cache-line aligned, as a mapped file is: node-ordered rows then start on a line
            return NativeMemory.allocateZeroed(arena, size, threads);
        }
        try {
            Path file = Files.createTempFile(directory, "covertree-", ".scratch");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return PlainSegment.map(ch, FileChannel.MapMode.READ_WRITE, 0, size, arena);
            } finally {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch file of " + size + " bytes in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase() + (mode == Mode.MEMORY ? "" : " (" + directory + ")");
    }
}
