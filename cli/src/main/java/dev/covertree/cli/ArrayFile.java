package dev.covertree.cli;

import dev.covertree.engine.InvalidInputException;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyReadOptions;
import dev.covertree.npy.NpzArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An array named on the command line, opened: {@code FILE.npy}, {@code FILE.npz} holding one array, or
 * one entry of an archive as {@code FILE.npz:KEY} (what {@code np.savez} writes). Closing it releases the
 * array and, for an archive, the archive.
 *
 * @param array the array
 * @param name  how messages name it ({@code FILE.npz:KEY} for an entry)
 * @param owner releases what was opened
 */
record ArrayFile(NpyArray array, String name, Runnable owner) implements AutoCloseable {
    /** Opens the array {@code spec} names. */
    static ArrayFile open(Path spec, NpyReadOptions options) throws IOException {
        String s = spec.toString();
        int at = s.lastIndexOf(".npz:");
        boolean entry = at >= 0 && !Files.exists(spec);
        if (!entry && !s.endsWith(".npz")) {
            NpyArray a = Npy.open(spec, null, options);
            return new ArrayFile(a, s, a::close);
        }
        Path file = entry ? Path.of(s.substring(0, at + 4)) : spec;
        NpzArchive archive = NpzArchive.open(file);
        try {
            String key;
            if (entry) {
                key = s.substring(at + 5);
            } else {
                List<String> names = archive.names();
                if (names.size() != 1) {
                    throw new InvalidInputException(file + " holds " + names.size() + " arrays " + names
                            + ": name one as " + file + ":KEY");
                }
                key = names.get(0);
            }
            return new ArrayFile(archive.get(key, options), file + ":" + key, archive::close);
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    /** Files up to this size are read rather than mapped by {@link #read}. */
    private static final long READ_BYTES = 1 << 20;

    /**
     * The array {@code spec} names, for reading once: a small {@code .npy} file read into memory ({@link Npy#read}),
     * where mapping and unmapping it cost more than the read; anything else opened as by {@link #open}.
     */
    static ArrayFile read(Path spec) throws IOException {
        String s = spec.toString();
        if (s.contains(".npz") || !Files.isRegularFile(spec) || Files.size(spec) > READ_BYTES) {
            return open(spec, NpyReadOptions.DEFAULT);
        }
        return new ArrayFile(Npy.read(spec), s, () -> { });
    }

    @Override
    public void close() {
        owner.run();
    }
}
