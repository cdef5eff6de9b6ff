package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import dev.covertree.npy.NpyRowWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool in a separate JVM with a 64 MiB heap, on data several times larger (V alone is ~150 MB):
 * prepare, residual queries, a Euclidean tree over all points. Sampled rows are checked against the
 * brute force computed here.
 */
class SmallHeapTest {
    private static final int N = 150_000;
    private static final int M = 128;

    @TempDir
    Path dir;

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m"));
        // the flags this JVM was started with (pom.xml's covertree.jvm.flags), not a copy of them
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-modules") || a.startsWith("jdk.incubator") || a.startsWith("--enable-native-access")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Dcovertree.vector=" + System.getProperty("covertree.vector", "true"),
                "-cp", System.getProperty("java.class.path"), "dev.covertree.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Cli.Run java(String... args) throws Exception {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out");
        return new Cli.Run(p.exitValue(), out, err);
    }

    @Test
    void prepareAndSearchWithA64MegabyteHeapOnDataSeveralTimesLarger() throws Exception {
        Path x = dir.resolve("x.npy");
        try (NpyMappedFile f = NpyMappedFile.create(x, NpyDType.F8, new long[] {N, 3}, false)) {
            RandomPoints.fill(f.data(), 3L * N, 11);
            f.commit();
        }
        String[] kernel = {"--kernel", "rbf", "--lengthscale", "0.7"};
        Cli.Run prep = java(Cli.concat(new String[] {"prepare", "--coords", x.toString(), "--inducing", "" + M,
                "--v-dtype", "f8", "--out-v", dir.resolve("v.npy").toString(), "--out-p", dir.resolve("p.npy").toString(),
                "--quiet"}, kernel));
        assertEquals(0, prep.exit(), prep.toString());
        assertTrue(Files.size(dir.resolve("v.npy")) > 2 * 64L << 20, "V is larger than twice the heap");
        long[] ids = new SplittableRandom(3).longs(100, 0, N).toArray();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_LONG, ids.length);
            MemorySegment.copy(ids, 0, s, ValueLayout.JAVA_LONG, 0, ids.length);
            NpyRowWriter.write(dir.resolve("q.npy"), s, NpyDType.I8, new long[] {ids.length}, false);
        }
        Cli.Run knn = java(Cli.concat(new String[] {"knn", "--coords", x.toString(), "--v", dir.resolve("v.npy").toString(),
                "--p", dir.resolve("p.npy").toString(), "--k", "20", "--query-ids", dir.resolve("q.npy").toString(),
                "--predecessor", "--out-indices", dir.resolve("ri.npy").toString(), "--out-distances",
                dir.resolve("rd.npy").toString(), "--quiet"}, kernel));
        assertEquals(0, knn.exit(), knn.toString());
        Cli.Run eu = java("knn", "--coords", x.toString(), "--metric", "euclidean", "--k", "10", "--all",
                "--out-indices", dir.resolve("ei.npy").toString(), "--out-distances", dir.resolve("ed.npy").toString(),
                "--quiet");
        assertEquals(0, eu.exit(), eu.toString());
        try (NpyArray xa = Npy.open(x); NpyArray v = Npy.open(dir.resolve("v.npy")); NpyArray p = Npy.open(dir.resolve("p.npy"));
             Dataset res = Dataset.residual(Matrix.of("x", xa), Matrix.of("v", v), Matrix.of("p", p),
                     Kernel.of(KernelType.RBF, 1, 0.7));
             Dataset euc = Dataset.euclidean(Matrix.of("x", xa));
             KnnResult wantR = Knn.search(Metric.of(res), QuerySet.ids(ids, N, "q"),
                     KnnOptions.of(20).withPredecessor(true).withEngine(Engine.SCAN));
             KnnResult wantE = Knn.search(Metric.of(euc), QuerySet.ids(ids, N, "q"), KnnOptions.of(10).withEngine(Engine.SCAN));
             NpyArray ri = Npy.open(dir.resolve("ri.npy")); NpyArray rd = Npy.open(dir.resolve("rd.npy"));
             NpyArray ei = Npy.open(dir.resolve("ei.npy")); NpyArray ed = Npy.open(dir.resolve("ed.npy"))) {
            assertEquals(-1, wantR.indices().mismatch(ri.segment()), "residual ids");
            assertEquals(-1, wantR.distances().mismatch(rd.segment()), "residual distances");
            for (int q = 0; q < ids.length; q++) {
                for (int j = 0; j < 10; j++) {
                    assertEquals(wantE.index(q, j), ei.getLong(ids[q], j), "euclidean row " + ids[q]);
                    assertEquals(wantE.distance(q, j), ed.getDouble(ids[q], j));
                }
            }
        }
    }

    @Test
    void anInterruptedRunLeavesNoPartialOrFinalOutput() throws Exception {
        Path x = dir.resolve("x.npy");
        try (NpyMappedFile f = NpyMappedFile.create(x, NpyDType.F8, new long[] {40_000, 3}, false)) {
            RandomPoints.fill(f.data(), 3L * 40_000, 5);
            f.commit();
        }
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Process p = new ProcessBuilder(command("knn", "--coords", x.toString(), "--kernel", "rbf", "--inducing", "256",
                "--k", "30", "--all", "--predecessor", "--engine", "scan", "--out-indices", out.resolve("i.npy").toString(),
                "--out-distances", out.resolve("d.npy").toString(), "--quiet"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (partials(out) < 2 && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the search should still be running");
        assertEquals(2, partials(out), "both outputs are being written under temporary names");
        p.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        try (var files = Files.list(out)) {
            assertEquals(List.of(), files.toList(), "nothing left behind");
        }
    }

    private static long partials(Path d) throws Exception {
        try (var files = Files.list(d)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial")).count();
        }
    }
}
