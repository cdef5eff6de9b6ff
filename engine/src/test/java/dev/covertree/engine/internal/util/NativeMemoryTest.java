package dev.covertree.engine.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

    @Test
    void aFreedBlockIsKeptWithinTheLimitAndTheNextAllocationOfItsSizeGetsItZeroed() {
        long bytes = 6L << 20;
        try {
            NativeMemory.keepFreed(16L << 20);
            long address;
            try (Arena arena = Arena.ofShared()) {
                MemorySegment s = NativeMemory.allocateZeroed(arena, bytes, 2);
                address = s.address();
                s.fill((byte) 7);
            }
            assertEquals(6L << 20, NativeMemory.keptBytes());
            try (Arena arena = Arena.ofShared()) {
                MemorySegment again = NativeMemory.allocateZeroed(arena, bytes - 100, 2);
                assertEquals(address, again.address());
                assertEquals(bytes - 100, again.byteSize());
                assertEquals(0, NativeMemory.keptBytes());
                for (long at = 0; at < again.byteSize() - 8; at += 4091) {
                    assertEquals(0L, again.get(ValueLayout.JAVA_LONG_UNALIGNED, at), "byte " + at);
                }
            }
            // a block more than a quarter larger than asked for stays kept, and the request gets its own
            try (Arena arena = Arena.ofShared()) {
                MemorySegment small = NativeMemory.allocateZeroed(arena, 4L << 20, 1);
                assertNotEquals(address, small.address());
                assertEquals(6L << 20, NativeMemory.keptBytes());
            }
        } finally {
            NativeMemory.keepFreed(0);
        }
        assertEquals(0, NativeMemory.keptBytes());
    }

    @Test
    void nothingIsKeptByDefaultNorPastTheLimitAndLoweringTheLimitGivesBlocksBack() {
        try (Arena arena = Arena.ofShared()) {
            NativeMemory.allocateZeroed(arena, 5L << 20, 1);
        }
        assertEquals(0, NativeMemory.keptBytes());
        try {
            NativeMemory.keepFreed(10L << 20);
            try (Arena arena = Arena.ofShared()) {
                NativeMemory.allocateZeroed(arena, 6L << 20, 1);
                NativeMemory.allocateZeroed(arena, 6L << 20, 1);
            }
            assertEquals(6L << 20, NativeMemory.keptBytes(), "the second block would pass the limit");
            NativeMemory.keepFreed(2L << 20);
            assertEquals(0, NativeMemory.keptBytes());
        } finally {
            NativeMemory.keepFreed(0);
        }
    }
}
