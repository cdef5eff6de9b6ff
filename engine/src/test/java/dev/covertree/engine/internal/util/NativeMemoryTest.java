package dev.covertree.engine.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
    @Test
    void largeArraysAreZeroedAlignedToHugePagesAndFreedWithTheirArena() {
        long bytes = (96L << 20) + 12345;
        MemorySegment seen;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = NativeMemory.allocateZeroed(arena, bytes, 2);
            seen = s;
            assertEquals(bytes, s.byteSize());
            assertEquals(0, s.address() % (2L << 20));
            for (long at = 0; at < bytes - 8; at += 4099) {
                assertEquals(0L, s.get(ValueLayout.JAVA_LONG_UNALIGNED, at), "byte " + at);
            }
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, bytes - 1));
            s.set(ValueLayout.JAVA_LONG, 0, 42);
        }
        assertFalse(seen.scope().isAlive());
    }

    @Test
    void smallArraysTakeTheArenasOwnAllocationAndOneThreadZeroesLargeOnes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = NativeMemory.allocateZeroed(arena, 1000, 2);
            MemorySegment one = NativeMemory.allocateZeroed(arena, (5L << 20) + 3, 1);
            assertEquals(1000, small.byteSize());
            assertEquals(0, small.address() % 64);
            assertEquals((5L << 20) + 3, one.byteSize());
            assertEquals(0, one.address() % (2L << 20));
            for (long at = 0; at < one.byteSize() - 8; at += 4093) {
                assertEquals(0L, one.get(ValueLayout.JAVA_LONG_UNALIGNED, at), "byte " + at);
            }
            assertEquals(0, one.get(ValueLayout.JAVA_BYTE, one.byteSize() - 1));
        }
    }
}
