package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NpyWriteTest {
    @TempDir
    Path dir;

    /** Fills a segment of {@code n} elements with value 3*i - 7 in the given dtype. */
    private static MemorySegment ramp(Arena arena, NpyDType t, int n) {
        MemorySegment s = arena.allocate((long) n * t.itemSize());
        for (int i = 0; i < n; i++) {
            long v = 3L * i - 7;
            switch (t) {
                case F4 -> s.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                case F8 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
                case I4 -> s.setAtIndex(ValueLayout.JAVA_INT, i, (int) v);
                case I8 -> s.setAtIndex(ValueLayout.JAVA_LONG, i, v);
                case U1, B1 -> s.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 2));
            }
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = NpyDType.class, names = {"F4", "F8", "I4", "I8"})
    void writtenArraysReadBackIdenticallyAndNumpyAgrees(NpyDType t) throws Exception {
        Path p = dir.resolve("a_" + t + ".npy");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = ramp(arena, t, 35);
            NpyRowWriter.write(p, data, t, new long[] {5, 7}, false);
            try (NpyArray a = Npy.open(p)) {
                assertTrue(a.isMapped());
                assertArrayEquals(new long[] {5, 7}, a.shape());
                assertEquals(-1, data.mismatch(a.segment()));
            }
        }
        String np = PythonNumpy.eval("import numpy as np; a=np.load('" + p + "'); "
                + "print(a.dtype.str, a.shape, int((a.ravel() == 3*np.arange(35)-7).all()))");
        assertEquals(t.descr() + " (5, 7) 1", np);
    }

    @Test
    void zeroDimensionalAndEmptyArraysRoundTrip() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Path z = dir.resolve("z.npy");
            Path e = dir.resolve("e.npy");
            MemorySegment one = arena.allocate(8);
            one.set(ValueLayout.JAVA_DOUBLE, 0, 2.25);
            NpyRowWriter.write(z, one, NpyDType.F8, new long[0], false);
            NpyRowWriter.write(e, MemorySegment.NULL, NpyDType.I8, new long[] {0, 4}, false);
            try (NpyArray a = Npy.open(z); NpyArray b = Npy.open(e)) {
                assertEquals(0, a.ndim());
                assertEquals(2.25, a.getDouble(0));
                assertArrayEquals(new long[] {0, 4}, b.shape());
            }
            assertEquals("() 2.25 (0, 4)", PythonNumpy.eval("import numpy as np; a=np.load('" + z + "'); b=np.load('"
                    + e + "'); print(a.shape, float(a), b.shape)"));
        }
    }

    @Test
    void streamedRowsAppearUnderTheFinalNameOnlyAfterCommit() throws Exception {
        Path p = dir.resolve("rows.npy");
        try (Arena arena = Arena.ofConfined();
             NpyRowWriter w = NpyRowWriter.create(p, NpyDType.F8, new long[] {4, 3}, false)) {
            MemorySegment all = ramp(arena, NpyDType.F8, 12);
            w.write(all.asSlice(0, 3 * 8));
            w.write(all.asSlice(3 * 8, 9 * 8));
            assertFalse(Files.exists(p), "not before commit");
            w.commit();
        }
        try (NpyArray a = Npy.open(p)) {
            assertEquals(3.0 * 11 - 7, a.getDouble(3, 2));
        }
    }

    @Test
    void anUncommittedWriterLeavesNothingBehind() throws Exception {
        Path p = dir.resolve("half.npy");
        try (Arena arena = Arena.ofConfined();
             NpyRowWriter w = NpyRowWriter.create(p, NpyDType.F8, new long[] {4, 3}, false)) {
            w.write(ramp(arena, NpyDType.F8, 3));
            assertThrows(IllegalStateException.class, w::commit, "commit with rows missing");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "no final file and no temporary file");
        }
    }

    @Test
    void anExistingFileIsNotOverwrittenUnlessAsked() throws Exception {
        Path p = dir.resolve("x.npy");
        Files.writeString(p, "precious");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = ramp(arena, NpyDType.I8, 2);
            assertThrows(FileAlreadyExistsException.class, () -> NpyRowWriter.write(p, s, NpyDType.I8, new long[] {2}, false));
            assertEquals("precious", Files.readString(p));
            NpyRowWriter.write(p, s, NpyDType.I8, new long[] {2}, true);
        }
        try (NpyArray a = Npy.open(p)) {
            assertEquals(-4, a.getLong(1));
        }
    }

    @Test
    void writingRowsThatDoNotFitTheDeclaredShapeIsRefused() throws Exception {
        Path p = dir.resolve("y.npy");
        try (Arena arena = Arena.ofConfined();
             NpyRowWriter w = NpyRowWriter.create(p, NpyDType.F4, new long[] {2, 3}, false)) {
            assertThrows(IllegalArgumentException.class, () -> w.write(ramp(arena, NpyDType.F4, 4)));
            assertThrows(IllegalStateException.class, () -> w.write(ramp(arena, NpyDType.F4, 9)));
        }
    }

    @Test
    void convertedArraysCanBeSavedAsNativeCOrder() throws Exception {
        Path p = dir.resolve("c.npy");
        try (NpyArray be = Npy.open(Fixtures.of("f_f4_be_3d.npy"))) {
            NpyRowWriter.write(p, be, false);
        }
        try (NpyArray a = Npy.open(p)) {
            assertTrue(a.isMapped());
            assertEquals(23.0, a.getDouble(23));
        }
    }

    @Test
    void heapSegmentsOverLongArraysAreWrittenToNpyAndNpzFiles() throws Exception {
        long[] values = {3, -1, 1L << 40, 7, 0, 42};
        MemorySegment heap = MemorySegment.ofArray(values.clone());
        Path npy = dir.resolve("heap.npy");
        NpyRowWriter.write(npy, heap, NpyDType.I8, new long[] {2, 3}, false);
        Path npz = dir.resolve("heap.npz");
        try (NpzWriter z = NpzWriter.create(npz, false, false)) {
            z.add("a", heap, NpyDType.I8, new long[] {6});
        }
        assertEquals("[3, -1, 1099511627776, 7, 0, 42] [3, -1, 1099511627776, 7, 0, 42]",
                PythonNumpy.eval("import numpy as np; print(np.load('" + npy + "').ravel().tolist(), np.load('" + npz
                        + "')['a'].tolist())"));
    }
}
