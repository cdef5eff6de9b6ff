package dev.covertree.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Reserves a new file's blocks before it is written through a memory mapping ({@code posix_fallocate}
 * through hand-written downcalls): a full disk is then an {@link IOException} naming the file before any
 * work, where a store into a mapped page the file system cannot back would fault mid-run. Where the
 * platform or file system cannot reserve, nothing is reserved and the file stays sparse, as before.
 */
final class FileSpace {
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FALLOCATE;

    static {
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fallocate = null;
        try {
            Linker linker = Linker.nativeLinker();
            var lookup = linker.defaultLookup();
            // open(2) is variadic: the mode argument is left out, as O_CREAT is not asked for
            open = lookup.find("open").map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2))).orElse(null);
            close = lookup.find("close").map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT))).orElse(null);
            fallocate = lookup.find("posix_fallocate").map(a -> linker.downcallHandle(a, FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            // no native access: files stay sparse
        }
        OPEN = open;
        CLOSE = close;
        FALLOCATE = fallocate;
    }

    private FileSpace() {
    }

    /**
     * Reserves the first {@code length} bytes of the existing file {@code file}.
     *
     * @param name how errors name the file (the output the user asked for, not its temporary name)
     * @throws IOException when the file system has no room (or the user's quota is spent)
     */
    static void reserve(Path file, long length, String name) throws IOException {
        if (OPEN == null || CLOSE == null || FALLOCATE == null || length <= 0) {
            return;
        }
        int rc;
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom(file.toString()), O_WRONLY | O_CLOEXEC);
            if (fd < 0) {
                return;
            }
            try {
                rc = (int) FALLOCATE.invokeExact(fd, 0L, length);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            return;
        }
        if (rc == ENOSPC || rc == EDQUOT) {
            throw noSpace(name, length, rc == EDQUOT);
        }
        // other errors (a file system that cannot reserve): the file stays sparse
    }

    /**
     * Checks, without reserving, that the file system of {@code file} has {@code length} bytes free: for a file
     * written with one write at its end, where reserving would cost more than the write (on ext4, deleting a
     * file whose blocks were reserved ahead costs as much as writing it), and a full disk still fails here.
     *
     * @param name how errors name the file (the output the user asked for, not its temporary name)
     * @throws IOException when the file system has less room than that
     */
    static void check(Path file, long length, String name) throws IOException {
        // statvfs on the file's own file system (the file itself exists: the path is valid); a file system
        // that reports no size at all (total 0) tells nothing, and the write at the commit will tell
        java.io.File f = file.toFile();
        if (length > 0 && f.getUsableSpace() < length && f.getTotalSpace() > 0) {
            throw noSpace(name, length, false);
        }
    }

    private static IOException noSpace(String name, long length, boolean quota) {
        return new IOException(name + ": no space left on its device for " + length + " bytes"
                + (quota ? " (disk quota)" : "") + "; free some, or write the output on another file system");
    }
}
