package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpzTest {

    @ParameterizedTest
    @CsvSource({"stored.npz, true", "deflated.npz, false"})
    void numpyArchivesReadByName(String file, boolean mapped) throws Exception {
        try (NpzArchive z = NpzArchive.open(Fixtures.of(file))) {
            assertEquals(List.of("a", "b"), z.names());
            NpyArray a = z.get("a");
            NpyArray b = z.get("b");
            assertEquals(mapped, a.isMapped());
            assertEquals(11.0, a.getDouble(2, 3));
            assertEquals(4, b.getLong(4));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writtenArchivesReadBackAndNumpyAgrees(boolean compress, @TempDir Path dir) throws Exception {
        Path p = dir.resolve("out.npz");
        try (Arena arena = Arena.ofConfined(); NpzWriter w = NpzWriter.create(p, compress, false)) {
            MemorySegment x = arena.allocate(6 * 8);
            for (int i = 0; i < 6; i++) {
                x.setAtIndex(ValueLayout.JAVA_DOUBLE, i, i * 0.5);
            }
            MemorySegment ids = arena.allocate(3 * 8);
            for (int i = 0; i < 3; i++) {
                ids.setAtIndex(ValueLayout.JAVA_LONG, i, 10 + i);
            }
            w.add("x", x, NpyDType.F8, 2, 3);
            w.add("ids", ids, NpyDType.I8, 3);
        }
        try (NpzArchive z = NpzArchive.open(p)) {
            assertEquals(List.of("x", "ids"), z.names());
            assertEquals(2.5, z.get("x").getDouble(1, 2));
            assertEquals(12, z.get("ids").getLong(2));
            assertEquals(!compress, z.get("x").isMapped());
        }
        assertEquals("(2, 3) 2.5 12", PythonNumpy.eval("import numpy as np; z=np.load('" + p
                + "'); print(z['x'].shape, z['x'][1,2], z['ids'][2])"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deflated.npz"})
    void compressedEntriesAreAnErrorWhenCopiesAreForbidden(String file) throws Exception {
        try (NpzArchive z = NpzArchive.open(Fixtures.of(file))) {
            var e = assertThrows(NpyFormatException.class, () -> z.get("a", NpyReadOptions.DEFAULT.withAllowCopy(false)));
            assertTrue(e.getMessage().contains("[a]") && e.getMessage().contains("compressed"), e.getMessage());
            assertFalse(z.get("a").isMapped());
        }
    }
}
