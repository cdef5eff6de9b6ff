package dev.covertree.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchSpaceTest {
    @TempDir
    Path dir;

    @Test
    void autoUsesFilesOnlyWhenTheArraysNeedMoreThanHalfTheAvailableMemory() {
        assertTrue(ScratchSpace.withAvailableMemory(dir, 1000).usesFiles(501));
        assertFalse(ScratchSpace.withAvailableMemory(dir, 1000).usesFiles(500));
        assertFalse(ScratchSpace.of(ScratchSpace.Mode.MEMORY, dir).usesFiles(Long.MAX_VALUE));
        assertTrue(ScratchSpace.of(ScratchSpace.Mode.FILES, dir).usesFiles(1));
    }

    @Test
    void aMissingScratchDirectoryIsNamedInTheError() {
        Path missing = dir.resolve("missing");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ScratchSpace.of(ScratchSpace.Mode.AUTO, missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
