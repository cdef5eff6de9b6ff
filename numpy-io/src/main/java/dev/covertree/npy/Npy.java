package dev.covertree.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens {@code .npy} files as off-heap arrays.
 *
 * <p>A C-order, native-byte-order file is memory-mapped read-only: opening costs the same whatever the
 * size, and no byte is copied. Other files are converted once into native memory, unless
 * {@link NpyReadOptions#allowCopy()} forbids it. Files are never written to.
 *
 * <pre>{@code
 * try (NpyArray v = Npy.open(Path.of("v.npy"))) {
 *     MemorySegment rows = v.segment();   // N x m, read in place
 * }
 * }</pre>
 */
public final class Npy {
    private Npy() {
    }

    /** Opens a file into an arena the array owns; close the array to release it. */
    public static NpyArray open(Path path) throws IOException {
        return open(path, null, NpyReadOptions.DEFAULT);
    }

    /**
     * Opens a file.
     *
     * @param arena   where the mapping (or the converted copy) lives; the caller closes it. Null gives the
     *                array a shared arena of its own, released by {@link NpyArray#close()}.
     * @param options copy rule and access hint
     * @throws NpyFormatException when the file is not a readable array (the message names the file)
     * @throws IOException        when the file cannot be read (missing, a directory, no permission)
     */
    public static NpyArray open(Path path, Arena arena, NpyReadOptions options) throws IOException {
        String source = path.toString();
        checkReadable(path);
        Arena owned = arena == null ? Arena.ofShared() : null;
        Arena target = arena == null ? owned : arena;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment image = PlainSegment.map(ch, FileChannel.MapMode.READ_ONLY, 0, ch.size(), target);
            return NpyImage.toArray(image, source, target, owned, true, options);
        } catch (IOException | RuntimeException e) {
            if (owned != null) {
                owned.close();
            }
            throw e;
        }
    }

    /**
     * Reads a whole file into heap memory (8-byte aligned): for a small array read once (query ids), where
     * mapping and unmapping the file cost more than reading it. Checks and messages as {@link #open(Path)};
     * the array needs no closing.
     */
    public static NpyArray read(Path path) throws IOException {
        checkReadable(path);
        byte[] bytes = Files.readAllBytes(path);
        // over a long[], 8-byte aligned as a mapping's data is (numpy pads its header to a multiple of 64)
        MemorySegment image = MemorySegment.ofArray(new long[(bytes.length + 7) / 8]).asSlice(0, bytes.length);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, image, 0, bytes.length);
        // a non-native byte order or Fortran order is copied into memory the garbage collector frees
        return NpyImage.toArray(image, path.toString(), Arena.ofAuto(), null, false, NpyReadOptions.DEFAULT);
    }

    /** Reads only the header of a file (cheap: nothing but the first bytes are touched). */
    public static NpyHeader header(Path path) throws IOException {
        checkReadable(path);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return NpyHeader.parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena), path.toString());
        }
    }

    static void checkReadable(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new NpyFormatException(path.toString(), "is a directory, not a file");
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (!Files.isReadable(path)) {
            throw new AccessDeniedException(path.toString(), null, "not readable");
        }
    }
}
