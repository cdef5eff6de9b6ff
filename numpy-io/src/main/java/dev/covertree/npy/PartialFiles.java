package dev.covertree.npy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The temporary files of writers still in progress, deleted by a shutdown hook if the JVM exits before
 * they are committed or closed (Ctrl-C, {@code System.exit} from another thread): no partial output
 * survives an interrupted run.
 */
public final class PartialFiles {
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : OPEN) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // exiting anyway
                }
            }
        }, "covertree-partial-files"));
    }

    private PartialFiles() {
    }

    /**
     * Creates an empty hidden file beside {@code target} ({@code .NAME.RANDOM.partial}, with the umask's
     * permissions) and registers it for deletion at exit until {@link #release} is called.
     */
    public static Path createBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createFile(dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".partial"));
        OPEN.add(temp);
        return temp;
    }

    /**
     * Renames a finished temporary file to its final name, atomically, and forgets it. Without
     * {@code overwrite}, a target that appeared meanwhile is an error and is left as it is.
     */
    public static void commit(Path temp, Path target, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "appeared while writing");
        }
        Files.move(temp, target, overwrite
                ? new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING}
                : new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE});
        release(temp);
    }

    /** Deletes an unfinished temporary file and forgets it. */
    public static void discard(Path temp) throws IOException {
        Files.deleteIfExists(temp);
        release(temp);
    }

    /** Forgets a temporary file that was renamed or deleted. */
    public static void release(Path temp) {
        OPEN.remove(temp);
    }
}
