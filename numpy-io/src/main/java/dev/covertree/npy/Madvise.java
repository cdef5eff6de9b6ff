package dev.covertree.npy;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code posix_madvise} through a hand-written downcall, looked up once; absent on other platforms. */
final class Madvise {
    private static final long PAGE = 4096;
    private static final MethodHandle POSIX_MADVISE = lookup();

    private Madvise() {
    }

    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("posix_madvise")
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
        if (POSIX_MADVISE == null || !segment.isNative() || segment.byteSize() == 0) {
            return false;
        }
        long start = segment.address() & -PAGE;
        long length = segment.address() + segment.byteSize() - start;
        try {
            int rc = (int) POSIX_MADVISE.invokeExact(MemorySegment.ofAddress(start), length, hint.posixAdvice);
            return rc == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
