package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlainSegmentTest {
    @TempDir
    Path dir;

    @Test
    void aMappingIsSeenAsNativeMemoryWithItsBytesAddressReadOnlyStateAndArena() throws Exception {
        Path p = dir.resolve("b.bin");
        byte[] bytes = new byte[3 * 4096 + 5];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        Files.write(p, bytes);
        MemorySegment plain;
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            plain = PlainSegment.of(mapped, arena);
            assertTrue(mapped.isMapped());
            assertFalse(plain.isMapped());
            assertEquals(mapped.address(), plain.address());
            assertEquals(bytes.length, plain.byteSize());
            assertTrue(plain.isReadOnly());
            assertEquals(-1, plain.mismatch(MemorySegment.ofArray(bytes)));
            assertThrows(IllegalArgumentException.class, () -> plain.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
        }
        assertFalse(plain.scope().isAlive(), "the view closes with the mapping's arena");
        assertThrows(IllegalStateException.class, () -> plain.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void inputsAndOutputsAreReadAndWrittenThroughPlainSegmentsAndOtherSegmentsPassAsTheyAre() throws Exception {
        Path p = dir.resolve("o.npy");
        try (NpyMappedFile f = NpyMappedFile.create(p, NpyDType.F8, new long[] {1000, 1000}, false)) {
            assertTrue(f.isMapped());
            assertFalse(f.data().isMapped());
            assertFalse(f.data().isReadOnly());
            f.data().setAtIndex(ValueLayout.JAVA_DOUBLE, 999_999, 2.5);
            f.commit();
        }
        try (NpyArray a = Npy.open(p)) {
            assertTrue(a.isMapped(), "the file itself, no copy");
            assertFalse(a.segment().isMapped());
            assertTrue(a.segment().isReadOnly());
            assertEquals(2.5, a.getDouble(999, 999));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment other = arena.allocate(64);
            assertSame(other, PlainSegment.of(other, arena));
        }
    }
}
