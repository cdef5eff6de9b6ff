package dev.covertree.engine.internal.util;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Large zeroed native arrays on transparent huge pages, first touched by several threads. {@link Arena#allocate}
 * zeroes its memory on the calling thread in 4 KiB pages, so every page fault of a large tree array (the kernel
 * clearing each fresh page, slow on virtual machines) happens one page at a time on one core before the
 * parallel build starts. Here the memory comes from C's {@code aligned_alloc}, untouched and aligned to
 * 2 MiB, is marked {@code MADV_HUGEPAGE} (the kernel's default policy on many systems gives huge pages only
 * where asked), and is zeroed on {@code threads} threads by {@link Parallel}: one fault per 2 MiB instead of
 * 512, and a search over the array misses the TLB less. Freed when the arena closes. Where the C library cannot
 * be reached (no native access), {@link Arena#allocate} it is; where the kernel has no huge pages to give,
 * the advice does nothing.
 *
 * <p>A long-lived process can {@linkplain #keepFreed keep} freed blocks for its next allocations. Memory new to
 * a process costs its first touch in the kernel (clearing each page, and on a virtual machine the host backing
 * it), many times what zeroing it again costs; a worker whose every request builds a tree as large as the last
 * one's then builds it in memory it already has. By default nothing is kept: a library call gives back what it
 * freed.
 */
public final class NativeMemory {
    /** Below this the huge-page path does not pay for its alignment. */
    private static final long HUGE_MIN = 4L << 20;
    /** A transparent huge page on x86-64 and most ARM64 kernels; the advice applies to whole ones. */
    private static final long HUGE_PAGE = 2L << 20;
    /** Below this a parallel first touch does not pay for its threads. */
    private static final long PARALLEL_MIN = 64L << 20;
    private static final int CHUNK = 16 << 20;
    /** Linux's {@code MADV_HUGEPAGE}. */
    private static final int MADV_HUGEPAGE = 14;

    /**
     * The C library's functions, looked up on first use (a holder class): a small or one-thread allocation never
     * makes the restricted downcalls, so it never asks for native access.
     */
    private static final class C {
        static final MethodHandle ALIGNED_ALLOC;
        static final MethodHandle FREE;
        /** {@code madvise}, or null where the C library has none (the advice is then skipped). */
        static final MethodHandle MADVISE;

        static {
            MethodHandle alloc = null;
            MethodHandle free = null;
            MethodHandle madvise = null;
            try {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                var a = lookup.find("aligned_alloc");
                var f = lookup.find("free");
                if (a.isPresent() && f.isPresent()) {
                    alloc = linker.downcallHandle(a.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG));
                    free = linker.downcallHandle(f.get(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
                    madvise = lookup.find("madvise").map(m -> linker.downcallHandle(m, FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))).orElse(null);
                }
            } catch (RuntimeException | LinkageError e) {
                // no native access: Arena.allocate instead
            }
            ALIGNED_ALLOC = alloc;
            FREE = free;
            MADVISE = madvise;
        }
    }

    /** Guards the kept blocks. */
    private static final Object KEPT_LOCK = new Object();
    /** Freed blocks kept for reuse: their addresses by their size. */
    private static final TreeMap<Long, ArrayDeque<Long>> KEPT = new TreeMap<>();
    private static long keptBytes;
    private static long keepLimit;

    private NativeMemory() {
    }

    /**
     * From now on keeps up to {@code bytes} of freed blocks (those of {@link #allocateZeroed}'s large path) for
     * later allocations, instead of giving them back to the C library; what is kept beyond that is given back
     * now. {@code 0}, the default, keeps nothing.
     */
    public static void keepFreed(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        synchronized (KEPT_LOCK) {
            keepLimit = bytes;
            while (keptBytes > keepLimit) {
                free(MemorySegment.ofAddress(takeOne(KEPT.lastEntry())));
            }
        }
    }

    /** Bytes of freed blocks kept now. */
    public static long keptBytes() {
        synchronized (KEPT_LOCK) {
            return keptBytes;
        }
    }

    /** {@code bytes} of zeroed memory aligned to 64 bytes (2 MiB when large), living as long as {@code arena}. */
    public static MemorySegment allocateZeroed(Arena arena, long bytes, int threads) {
        if (bytes < HUGE_MIN || C.ALIGNED_ALLOC == null) {
            return arena.allocate(bytes, 64);
        }
        // aligned_alloc wants a size that is a multiple of the alignment
        long wanted = (bytes + HUGE_PAGE - 1) & -HUGE_PAGE;
        MemorySegment raw = takeKept(wanted);
        if (raw == null) {
            try {
                raw = (MemorySegment) C.ALIGNED_ALLOC.invokeExact(HUGE_PAGE, wanted);
            } catch (Throwable t) {
                throw new IllegalStateException("aligned_alloc failed", t);
            }
            if (raw.address() == 0) {
                throw new OutOfMemoryError("cannot allocate " + wanted + " bytes of native memory");
            }
            raw = raw.reinterpret(wanted);
            adviseHugePages(raw);
        }
        long size = raw.byteSize();
        MemorySegment segment = raw.reinterpret(size, arena, freed -> release(freed.address(), size));
        if (threads < 2 || size < PARALLEL_MIN) {
            segment.fill((byte) 0);
        } else {
            Parallel.forEachChunk(threads, size, CHUNK, () -> null,
                    (state, from, to) -> segment.asSlice(from, to - from).fill((byte) 0));
        }
        return segment.asSlice(0, bytes);
    }

    /** Asks for huge pages before the first touch; a kernel without them (or a refusal) leaves 4 KiB pages, no harm done. */
    private static void adviseHugePages(MemorySegment segment) {
        if (C.MADVISE == null) {
            return;
        }
        try {
            int ignored = (int) C.MADVISE.invokeExact(segment, segment.byteSize(), MADV_HUGEPAGE);
        } catch (Throwable t) {
            // advice only
        }
    }

    /**
     * A kept block of at least {@code size} bytes and at most a quarter more (a larger one would sit mostly
     * unused while a later, larger request allocates anew), taken out of the kept set; null when there is none.
     */
    private static MemorySegment takeKept(long size) {
        synchronized (KEPT_LOCK) {
            Map.Entry<Long, ArrayDeque<Long>> fit = KEPT.ceilingEntry(size);
            if (fit == null || fit.getKey() > size + size / 4) {
                return null;
            }
            return MemorySegment.ofAddress(takeOne(fit)).reinterpret(fit.getKey());
        }
    }

    /** One block of the size {@code sized} holds, taken out of the kept set (under the lock): its address. */
    private static long takeOne(Map.Entry<Long, ArrayDeque<Long>> sized) {
        long address = sized.getValue().pop();
        if (sized.getValue().isEmpty()) {
            KEPT.remove(sized.getKey());
        }
        keptBytes -= sized.getKey();
        return address;
    }

    /** A block whose arena closed: kept while the limit allows, else given back. */
    private static void release(long address, long size) {
        synchronized (KEPT_LOCK) {
            if (keptBytes + size <= keepLimit) {
                KEPT.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
                keptBytes += size;
                return;
            }
        }
        free(MemorySegment.ofAddress(address));
    }

    private static void free(MemorySegment address) {
        try {
            C.FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }
}
