package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyMappedFileTest {
    @TempDir
    Path dir;

    @Test
    void filledInPlaceThenCommittedReadsBackAndNumpyAgrees() throws Exception {
        Path p = dir.resolve("m.npy");
        try (NpyMappedFile f = NpyMappedFile.create(p, NpyDType.F4, new long[] {3, 5}, false)) {
            for (int i = 14; i >= 0; i--) {
                f.data().setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
            }
            assertFalse(Files.exists(p));
            f.commit();
        }
        try (NpyArray a = Npy.open(p)) {
            assertEquals(6.5, a.getDouble(2, 3));
        }
        assertEquals("(3, 5) 7.0", PythonNumpy.eval("import numpy as np; a=np.load('" + p + "'); print(a.shape, a[2,4])"));
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws Exception {
        try (NpyMappedFile f = NpyMappedFile.create(dir.resolve("x.npy"), NpyDType.F8, new long[] {1000, 10}, false)) {
            f.data().setAtIndex(ValueLayout.JAVA_DOUBLE, 5, 1.0);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void smallArraysWaitInMemoryLargeOnesAreMappedAndBothCommitTheSameFile() throws Exception {
        long[][] shapes = {{30, 50}, {NpyMappedFile.IN_MEMORY_BYTES / 8 + 1}};
        for (long[] shape : shapes) {
            Path p = dir.resolve("a" + shape.length + ".npy");
            long n = shape.length == 2 ? shape[0] * shape[1] : shape[0];
            try (NpyMappedFile f = NpyMappedFile.create(p, NpyDType.F8, shape, false)) {
                assertEquals(n * 8 > NpyMappedFile.IN_MEMORY_BYTES, f.isMapped());
                try (Stream<Path> s = Files.list(dir)) {
                    assertEquals(1, s.filter(x -> x.getFileName().toString().endsWith(".partial")).count(),
                            "the temporary file exists from the start");
                }
                for (long i = 0; i < n; i += 97) {
                    f.data().setAtIndex(ValueLayout.JAVA_DOUBLE, i, i + 0.25);
                }
                f.data().setAtIndex(ValueLayout.JAVA_DOUBLE, n - 1, -1.5);
                f.commit();
            }
            try (NpyArray a = Npy.open(p)) {
                assertEquals(n, a.size());
                assertEquals(97.25, a.getDouble(97));
                assertEquals(0.0, a.getDouble(1));
                assertEquals(-1.5, a.getDouble(n - 1));
            }
        }
    }
}
