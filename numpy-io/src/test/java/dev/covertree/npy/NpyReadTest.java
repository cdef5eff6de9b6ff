package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReadTest {

    @ParameterizedTest
    @CsvSource({
        "c_f4_le.npy, F4, true", "c_f4_be.npy, F4, false",
        "c_f8_le.npy, F8, true", "c_f8_be.npy, F8, false",
        "c_i4_le.npy, I4, true", "c_i4_be.npy, I4, false",
        "c_i8_le.npy, I8, true", "c_i8_be.npy, I8, false",
        "c_u1.npy, U1, true", "f_f8_le.npy, F8, false",
        "v1_f8.npy, F8, true", "v2_f8.npy, F8, true", "v3_f8.npy, F8, true"})
    void everyDtypeOrderAndVersionReadsTheSameValues(String file, NpyDType dtype, boolean mapped) throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of(file))) {
            assertEquals(dtype, a.dtype());
            assertArrayEquals(new long[] {3, 4}, a.shape());
            assertEquals(mapped, a.isMapped(), "mapped");
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(4 * i + j, a.getDouble(i, j), file + " at " + i + "," + j);
                    if (!dtype.isFloating()) {
                        assertEquals(4 * i + j, a.getLong(i, j));
                    }
                }
            }
            assertArrayEquals(new long[] {4L * dtype.itemSize(), dtype.itemSize()}, a.strides());
        }
    }

    @Test
    void boolArrayReadsZeroAndOne() throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of("c_b1.npy"))) {
            assertEquals(NpyDType.B1, a.dtype());
            for (int k = 0; k < 12; k++) {
                assertEquals(k % 2 == 0 ? 1 : 0, a.getLong(k));
            }
        }
    }

    @Test
    void fortranOrderThreeDimensionalBigEndianIsConvertedToCOrder() throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of("f_f4_be_3d.npy"))) {
            assertArrayEquals(new long[] {2, 3, 4}, a.shape());
            assertFalse(a.isMapped());
            for (int k = 0; k < 24; k++) {
                assertEquals(k, a.getDouble(k));
            }
        }
    }

    @Test
    void oneDimensionalFortranArrayIsMappedBecauseItIsAlsoCOrder() throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of("f_f8_1d.npy"))) {
            assertTrue(a.isMapped());
            assertEquals(4.0, a.getDouble(4));
        }
    }

    @Test
    void zeroDimensionalAndEmptyArrays() throws Exception {
        try (NpyArray z = Npy.open(Fixtures.of("zero_d.npy")); NpyArray e = Npy.open(Fixtures.of("empty.npy"))) {
            assertEquals(0, z.ndim());
            assertEquals(1, z.size());
            assertEquals(3.5, z.getDouble(0));
            assertArrayEquals(new long[] {0, 3}, e.shape());
            assertEquals(0, e.size());
            assertThrows(IndexOutOfBoundsException.class, () -> e.getDouble(0));
        }
    }

    @Test
    void mappedDataIsAlignedAsNumpyPromises() throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of("c_f8_le.npy"))) {
            assertTrue(a.alignment() >= 64, "alignment " + a.alignment());
        }
    }

    @Test
    void forbiddingTheCopyMakesUnmappableFilesAnError() {
        var e = assertThrows(NpyFormatException.class, () -> Npy.open(Fixtures.of("c_f8_be.npy"), null,
                NpyReadOptions.DEFAULT.withAllowCopy(false)));
        assertTrue(e.getMessage().contains("c_f8_be.npy") && e.getMessage().contains("copying was not allowed"),
                e.getMessage());
    }

    @Test
    void callerArenaOwnsTheDataAndClosingItMakesAccessAClearError() throws Exception {
        NpyArray a;
        try (Arena arena = Arena.ofConfined()) {
            a = Npy.open(Fixtures.of("c_f8_le.npy"), arena, NpyReadOptions.DEFAULT);
            a.close(); // not the owner: does nothing
            assertEquals(5.0, a.getDouble(1, 1));
        }
        var e = assertThrows(IllegalStateException.class, () -> a.getDouble(1, 1));
        assertTrue(e.getMessage().contains("c_f8_le.npy") && e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void outOfBoundsAccessNamesTheArrayAndTheIndex() throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of("c_f8_le.npy"))) {
            var e = assertThrows(IndexOutOfBoundsException.class, () -> a.getDouble(3, 0));
            assertTrue(e.getMessage().contains("(3, 0)") && e.getMessage().contains("(3, 4)"), e.getMessage());
        }
    }

    @Test
    void accessHintsAreAcceptedOnMappedData() throws Exception {
        try (NpyArray a = Npy.open(Fixtures.of("c_f8_le.npy"), null, NpyReadOptions.DEFAULT.withHint(AccessHint.RANDOM))) {
            assertTrue(a.advise(AccessHint.SEQUENTIAL), "posix_madvise should be available on Linux");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"c_f8_le.npy", "c_f8_be.npy", "f_f4_be_3d.npy", "stored.npz"})
    void readingNeverModifiesTheFile(String name) throws Exception {
        Path p = Fixtures.of(name);
        byte[] before = Files.readAllBytes(p);
        long mtime = Files.getLastModifiedTime(p).toMillis();
        if (name.endsWith(".npz")) {
            try (NpzArchive z = NpzArchive.open(p)) {
                z.get("a").getDouble(0);
            }
        } else {
            try (NpyArray a = Npy.open(p)) {
                a.getDouble(0);
            }
        }
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(mtime, Files.getLastModifiedTime(p).toMillis());
    }
}
