package dev.covertree.engine.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
    @Test
    void largeArraysAreZeroedAlignedAndFreedWithTheirArena() {
        long bytes = (96L << 20) + 12345;
        MemorySegment seen;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = NativeMemory.allocateZeroed(arena, bytes, 2);
            seen = s;
            assertEquals(bytes, s.byteSize());
            assertEquals(0, s.address() % 64);
            for (long at = 0; at < bytes - 8; at += 4099) {
                assertEquals(0L, s.get(ValueLayout.JAVA_LONG_UNALIGNED, at), "byte " + at);
            }
            assertEquals(0, s.get(ValueLayout.JAVA_BYTE, bytes - 1));
            s.set(ValueLayout.JAVA_LONG, 0, 42);
        }
        assertFalse(seen.scope().isAlive());
    }

    @Test
    void smallArraysAndOneThreadTakeTheArenasOwnAllocation() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = NativeMemory.allocateZeroed(arena, 1000, 2);
            MemorySegment one = NativeMemory.allocateZeroed(arena, 70L << 20, 1);
            assertEquals(1000, small.byteSize());
            assertEquals(0, one.get(ValueLayout.JAVA_LONG, (70L << 20) - 8));
        }
    }
}
