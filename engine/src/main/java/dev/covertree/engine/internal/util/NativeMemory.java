package dev.covertree.engine.internal.util;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large zeroed native arrays whose pages are first touched by several threads. {@link Arena#allocate} zeroes
 * its memory on the calling thread, so every page fault of a multi-gigabyte tree array (the kernel clearing
 * each fresh page, slow on virtual machines) happens on one core before the parallel build starts; here the
 * memory comes from C's {@code aligned_alloc}, untouched, and {@link Parallel} zeroes it in chunks on
 * {@code threads} threads. Freed when the arena closes. Where the C library cannot be reached (no native
 * access), {@link Arena#allocate} it is.
 */
public final class NativeMemory {
    /** Below this a parallel first touch does not pay for its threads. */
    private static final long PARALLEL_MIN = 64L << 20;
    private static final int CHUNK = 16 << 20;

    /**
     * The C library's functions, looked up on first use (a holder class): a small or one-thread allocation never
     * makes the restricted downcalls, so it never asks for native access.
     */
    private static final class C {
        static final MethodHandle ALIGNED_ALLOC;
        static final MethodHandle FREE;

        static {
            MethodHandle alloc = null;
            MethodHandle free = null;
            try {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                var a = lookup.find("aligned_alloc");
                var f = lookup.find("free");
                if (a.isPresent() && f.isPresent()) {
                    alloc = linker.downcallHandle(a.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG));
                    free = linker.downcallHandle(f.get(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
                }
            } catch (RuntimeException | LinkageError e) {
                // no native access: Arena.allocate instead
            }
            ALIGNED_ALLOC = alloc;
            FREE = free;
        }
    }

    private NativeMemory() {
    }

    /** {@code bytes} of zeroed memory aligned to 64 bytes, living as long as {@code arena}. */
    public static MemorySegment allocateZeroed(Arena arena, long bytes, int threads) {
        if (threads < 2 || bytes < PARALLEL_MIN || C.ALIGNED_ALLOC == null) {
            return arena.allocate(bytes, 64);
        }
        long size = (bytes + 63) & -64L;
        MemorySegment raw;
        try {
            raw = (MemorySegment) C.ALIGNED_ALLOC.invokeExact(64L, size);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (raw.address() == 0) {
            throw new OutOfMemoryError("cannot allocate " + size + " bytes of native memory");
        }
        MemorySegment segment = raw.reinterpret(size, arena, NativeMemory::free);
        Parallel.forEachChunk(threads, size, CHUNK, () -> null,
                (state, from, to) -> segment.asSlice(from, to - from).fill((byte) 0));
        return segment.asSlice(0, bytes);
    }

    private static void free(MemorySegment address) {
        try {
            C.FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }
}
