package dev.covertree.engine.cover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.TestData;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.ExactnessTest;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cover tree whose arrays live in scratch files ({@link ScratchSpace.Mode#FILES}) against one in memory. */
class CoverTreeScratchTest {
    @TempDir
    Path dir;

    private long filesIn(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    /** Whether the segment's memory is a mapping of a (deleted) scratch file, by the process's own memory map. */
    private static boolean inScratchFile(MemorySegment s) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            long from = Long.parseUnsignedLong(range[0], 16);
            long to = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(s.address(), from) >= 0 && Long.compareUnsigned(s.address(), to) < 0) {
                return line.contains("covertree-") && line.contains(".scratch");
            }
        }
        return false;
    }

    @Test
    void aTreeBuiltInScratchFilesIsMappedAnswersIdenticallyAndLeavesNoFile() throws Exception {
        int n = 3000;
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, TestData.normal(n, 3, 9), Kernel.of(KernelType.MATERN52, 1.0, 0.5), 40,
                     NpyDType.F4);
             CoverTree inMemory = CoverTree.build(data, 2, ScratchSpace.of(ScratchSpace.Mode.MEMORY, dir));
             CoverTree inFiles = CoverTree.build(data, 2, ScratchSpace.of(ScratchSpace.Mode.FILES, dir))) {
            assertEquals(0, filesIn(dir), "scratch files are unlinked once mapped");
            assertTrue(inScratchFile(inFiles.nodes));
            assertFalse(inScratchFile(inMemory.nodes));
            inFiles.validate();
            assertEquals(-1, inMemory.nodes.mismatch(inFiles.nodes), "same tree");
            KnnOptions o = KnnOptions.of(12).withPredecessor(true).withEngine(Engine.TREE);
            try (KnnResult a = Knn.search(Metric.of(data), QuerySet.allPoints(n), o, EnginePlan.withTree(inMemory));
                 KnnResult b = Knn.search(Metric.of(data), QuerySet.allPoints(n), o, EnginePlan.withTree(inFiles))) {
                ExactnessTest.assertIdentical(a, b, "scratch in files");
            }
        }
        assertEquals(0, filesIn(dir));
    }
}
