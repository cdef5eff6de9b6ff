package dev.covertree.npy;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code posix_madvise} (and Linux's own {@code madvise}, for what POSIX has no word for) through hand-written
 * downcalls, looked up once; absent on other platforms.
 */
final class Madvise {
    private static final long PAGE = 4096;
    private static final MethodHandle POSIX_MADVISE = lookup("posix_madvise");
    private static final MethodHandle MADVISE = lookup("madvise");
    /** Linux's {@code MADV_POPULATE_WRITE} (since 5.14; older kernels answer EINVAL and nothing happens). */
    private static final int MADV_POPULATE_WRITE = 23;

    private Madvise() {
    }

    private static MethodHandle lookup(String name) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name)
                    .map(addr -> linker.downcallHandle(addr, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            // no native access (or an unusual platform): hints are optional, so go without
            return null;
        }
    }

    /** Advises the kernel about a native segment; returns false when the hint could not be given. */
    static boolean advise(MemorySegment segment, AccessHint hint) {
        return call(POSIX_MADVISE, segment, hint.posixAdvice);
    }

    /**
     * Faults in every page of a writable mapping at once, as if written (Linux {@code MADV_POPULATE_WRITE}):
     * a search that then writes its rows in scattered order takes no page fault per page, each of which, on a
     * shared file mapping, is a trip through the file system. Returns false where the kernel does not know it.
     */
    static boolean populateForWrite(MemorySegment segment) {
        return call(MADVISE, segment, MADV_POPULATE_WRITE);
    }

    private static boolean call(MethodHandle handle, MemorySegment segment, int advice) {
        if (handle == null || !segment.isNative() || segment.byteSize() == 0) {
            return false;
        }
        long start = segment.address() & -PAGE;
        long length = segment.address() + segment.byteSize() - start;
        try {
            int rc = (int) handle.invokeExact(MemorySegment.ofAddress(start), length, advice);
            return rc == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
