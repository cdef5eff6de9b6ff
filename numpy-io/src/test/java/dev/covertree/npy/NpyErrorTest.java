package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NpyErrorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bad_magic.npy   | bad magic",
        "bad_version.npy | unsupported .npy format version 4.0",
        "bad_header.npy  | malformed header",
        "object.npy      | object arrays",
        "complex.npy     | unsupported dtype '<c16'",
        "truncated.npy   | truncated data",
        "overflow.npy    | overflows",
        "short.npy       | too short"})
    void badFilesGiveAnErrorNamingTheFileAndTheProblem(String file, String problem) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.open(Fixtures.of(file)));
        assertTrue(e.getMessage().startsWith(Fixtures.of(file).toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertThrows(NpyFormatException.class, () -> Npy.header(Fixtures.of(file)));
    }

    @Test
    void aDirectoryIsNotAnArray(@TempDir Path dir) {
        IOException e = assertThrows(NpyFormatException.class, () -> Npy.open(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path p = dir.resolve("nope.npy");
        IOException e = assertThrows(NoSuchFileException.class, () -> Npy.open(p));
        assertTrue(e.getMessage().contains("nope.npy"), e.getMessage());
    }

    @Test
    void aMissingNpzEntryListsTheEntries() throws Exception {
        try (NpzArchive z = NpzArchive.open(Fixtures.of("stored.npz"))) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> z.get("zzz"));
            assertTrue(e.getMessage().contains("'zzz'") && e.getMessage().contains("[a, b]"), e.getMessage());
        }
    }

    @Test
    void aNpyFileIsNotAnArchive() {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpzArchive.open(Fixtures.of("c_f8_le.npy")));
        assertTrue(e.getMessage().contains("not an .npz"), e.getMessage());
    }
}
