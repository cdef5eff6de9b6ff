package dev.covertree.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
    private static final List<Engine> ENGINES = List.of(Engine.TREE, Engine.BRUTE, Engine.SCAN);
    /** Where a test writes its charts and cached workloads; deleted after each test. */
    @TempDir
    Path tmp;

    @Test
    void ourEnginesAreExactAndEveryPeerRowIsMeasuredOrExplained() throws Exception {
        StringWriter log = new StringWriter();
        List<Comparison.Row> rows = new Comparison(3, new PrintWriter(log), ENGINES).run(Workload.named("gold-32k").resized(300), true);
        // 3 engines x 2 thread counts, 4 peers x 2, one peer n/a, the NumPy peer n/a (no cached files)
        assertEquals(16, rows.size(), log.toString());
        for (Comparison.Row r : rows) {
            if (r.engine().startsWith("covertree-")) {
                assertEquals(1.0, r.recall(), 0.0, r.toString());
            }
            if (r.threads() == 0) {
                assertTrue(r.note().startsWith("n/a: "), r.toString());
            } else {
                assertTrue(r.minSeconds() > 0 && r.minSeconds() <= r.medianSeconds() && r.recall() > 0.5, r.toString());
            }
        }
        String md = BenchCommand.markdown(rows, "test");
        assertTrue(md.contains("| gold-32k@300 | smile-kdtree |") && md.contains("n/a: needs coordinates"), md);
        assertEquals(rows.size() + 1, BenchCommand.csv(rows).lines().count());
        Path png = tmp.resolve("recall-qps.png");
        Charts.recallVsQps(rows, Runtime.getRuntime().availableProcessors(), png);
        assertEquals(420, ImageIO.read(png.toFile()).getWidth(), "one panel per workload");
    }

    /** python3 with NumPy and SciPy is part of the project's test environment (.ci/setup). */
    @Test
    void theNumpyAndScipyRowsAreMeasuredOnTheCachedFilesAndFindTheTrueNeighbours() throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("cache"));
        for (String name : new String[] {"gold-32k", "gold-32k-pred", "euclid-32k"}) {
            StringWriter log = new StringWriter();
            List<Comparison.Row> rows = new Comparison(3, new PrintWriter(log), List.of(Engine.BRUTE))
                    .run(Workload.named(name).resized(700), true, cache);
            List<Comparison.Row> python = rows.stream().filter(r -> r.engine().startsWith("numpy-")
                    || r.engine().startsWith("scipy-")).toList();
            assertEquals(2, python.size(), log.toString());
            for (Comparison.Row r : python) {
                assertTrue(r.threads() > 0 && r.minSeconds() > 0, r.toString());
                assertEquals(1.0, r.recall(), 1e-9, r.toString());
            }
        }
    }

    /**
     * Whether the memory at {@code address} is a mapping of a file in {@code folder}, by the process's memory
     * map (the segment itself is a plain native view of the mapping: {@code PlainSegment}).
     */
    private static boolean mappedFrom(Path folder, long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            if (Long.compareUnsigned(address, Long.parseUnsignedLong(range[0], 16)) >= 0
                    && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0) {
                return line.contains(folder.toString());
            }
        }
        return false;
    }

    @Test
    void workloadsAreCachedAsNpyAndMappedOnTheNextRun() throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("cache"));
        Workload w = Workload.named("local-32k").resized(200);
        long[] sizes = new long[2];
        for (int run = 0; run < 2; run++) {
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared(); Workload.Built b = w.cached(cache, arena, 1)) {
                sizes[run] = b.dataset().v().segment().byteSize();
                assertTrue(mappedFrom(cache, b.dataset().v().segment().address()), "V is mapped from the cache");
            }
            try (var files = Files.list(cache)) {
                assertEquals(3, files.count(), "coords, V and p");
            }
        }
        assertEquals(sizes[0], sizes[1]);
    }

    @Test
    void theScalingChartIsDrawnFromTheScaleScriptsCsv() throws Exception {
        Path dir = tmp;
        Path csv = dir.resolve("scale.csv");
        Files.writeString(csv, "metric,m,n,prepare_s,search_s,distances_per_query,peak_rss_mb,heap_peak_mb\n"
                + "euclidean,0,262144,0,8.0,1117.5,240,26.5\neuclidean,0,1048576,0,47.0,1448.1,670,22.5\n"
                + "residual,64,16384,0.4,2.5,8191.5,261,154.4\n");
        Charts.scaling(csv, dir.resolve("scaling.png"));
        assertEquals(840, ImageIO.read(dir.resolve("scaling.png").toFile()).getWidth());
    }

    @Test
    void predecessorWorkloadsSayWhyThePeersCannotRun() throws Exception {
        List<Comparison.Row> rows = new Comparison(3, new PrintWriter(new StringWriter()), ENGINES)
                .run(Workload.named("vif-default").resized(200), true);
        assertTrue(rows.stream().filter(r -> r.engine().startsWith("smile")).allMatch(r -> r.threads() == 0
                && r.note().startsWith("n/a: ")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.note().contains("has no predecessor mode")), rows.toString());
    }
}
