package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.covertree.npy.NpyRowWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    @TempDir
    Path dir;
    Path coords;

    @BeforeEach
    void data() throws Exception {
        coords = dir.resolve("x.npy");
        try (Arena a = Arena.ofConfined()) {
            Matrix x = RandomPoints.generate("x", 400, 3, 5, a);
            NpyRowWriter.write(coords, x.segment(), NpyDType.F8, new long[] {400, 3}, false);
        }
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** The CLI's output file against the library's one-at-a-time brute force on the same inputs. */
    private void assertMatchesBruteForce(Dataset ds, QuerySet qs, KnnOptions opt, String idxFile, String distFile)
            throws Exception {
        try (KnnResult want = Knn.search(Metric.of(ds), qs, opt.withEngine(Engine.SCAN));
             NpyArray idx = Npy.open(Path.of(idxFile)); NpyArray dist = Npy.open(Path.of(distFile))) {
            assertEquals(NpyDType.I8, idx.dtype());
            assertEquals(NpyDType.F8, dist.dtype());
            assertEquals(qs.size(), idx.dim(0));
            assertEquals(opt.k(), idx.dim(1));
            assertEquals(-1, want.indices().mismatch(idx.segment()), "indices differ");
            assertEquals(-1, want.distances().mismatch(dist.segment()), "distances differ");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "knn", "prepare", "build", "generate", "npy", "npy info"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        Cli.Run r = Cli.run(args);
        Cli.ok(r);
        assertTrue(r.out().contains("Usage: covertree " + command), r.toString());
    }

    @Test
    void versionAndTopLevelHelp() {
        assertTrue(Cli.run("--version").out().startsWith("covertree "));
        Cli.Run r = Cli.run("--help");
        Cli.ok(r);
        for (String c : new String[] {"demo", "knn", "prepare", "build", "npy"}) {
            assertTrue(r.out().contains("  " + c), c);
        }
    }

    @Test
    void euclideanAllPointsMatchesBruteForce() throws Exception {
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--metric", "euclidean", "--k", "7", "--all",
                "--out-indices", p("i.npy"), "--out-distances", p("d.npy"), "--quiet", "--telemetry", p("t.jsonl")));
        try (NpyArray x = Npy.open(coords); Dataset ds = Dataset.euclidean(Matrix.of("x", x))) {
            assertMatchesBruteForce(ds, QuerySet.allPoints(400), KnnOptions.of(7), p("i.npy"), p("d.npy"));
        }
        String tel = Files.readString(Path.of(p("t.jsonl")));
        assertTrue(tel.contains("{\"phase\":\"search\",\"seconds\":") && tel.contains("\"engine\":\"bounds\"")
                && tel.contains("\"queries_searched_again\":"), tel);
    }

    @Test
    void scratchInFilesGivesTheSameAnswerAndLeavesTheScratchFolderEmpty() throws Exception {
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--metric", "euclidean", "--k", "5", "--all", "--scratch", "files",
                "--scratch-dir", scratch.toString(), "--out-indices", p("i.npy"), "--out-distances", p("d.npy"),
                "--quiet", "--telemetry", p("t.jsonl")));
        try (NpyArray x = Npy.open(coords); Dataset ds = Dataset.euclidean(Matrix.of("x", x))) {
            assertMatchesBruteForce(ds, QuerySet.allPoints(400), KnnOptions.of(5), p("i.npy"), p("d.npy"));
        }
        assertTrue(Files.readString(Path.of(p("t.jsonl"))).contains("\"scratch\":\"files\""));
        try (var left = Files.list(scratch)) {
            assertEquals(0, left.count(), "scratch files left behind");
        }
        Cli.Run bad = Cli.run("build", "--coords", coords.toString(), "--metric", "euclidean", "--out-tree", p("t.ctree"),
                "--scratch", "tape");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--scratch: unknown value 'tape'"), bad.toString());
        Cli.Run missing = Cli.run("build", "--coords", coords.toString(), "--metric", "euclidean", "--out-tree",
                p("t.ctree"), "--scratch-dir", p("nowhere"));
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("nowhere") && missing.err().contains("does not exist"), missing.toString());
        assertFalse(Files.exists(Path.of(p("t.ctree"))));
    }

    @Test
    void prepareThenKnnByIdsThenBuildAndKnnWithTheSavedTreeGiveTheSameAnswer() throws Exception {
        Cli.ok(Cli.run("prepare", "--coords", coords.toString(), "--kernel", "matern32", "--variance", "1.5",
                "--lengthscale", "0.5,0.7,0.9", "--inducing", "40", "--inducing-method", "kmeans++", "--seed", "3",
                "--out-v", p("v.npy"), "--out-p", p("p.npy"), "--out-inducing", p("u.npy"), "--v-dtype", "f8", "--quiet"));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ids = a.allocate(ValueLayout.JAVA_LONG, 3);
            ids.setAtIndex(ValueLayout.JAVA_LONG, 0, 399);
            ids.setAtIndex(ValueLayout.JAVA_LONG, 1, 0);
            ids.setAtIndex(ValueLayout.JAVA_LONG, 2, 17);
            NpyRowWriter.write(Path.of(p("q.npy")), ids, NpyDType.I8, new long[] {3}, false);
        }
        String[] data = {"--coords", coords.toString(), "--v", p("v.npy"), "--p", p("p.npy"), "--kernel", "matern32",
                "--variance", "1.5", "--lengthscale", "0.5,0.7,0.9"};
        Cli.ok(Cli.run(Cli.concat(Cli.concat(new String[] {"knn"}, data), "--k", "5", "--query-ids", p("q.npy"), "--predecessor", "--engine", "brute",
                "--out-indices", p("i1.npy"), "--out-distances", p("d1.npy"), "--quiet")));
        Cli.ok(Cli.run(Cli.concat(Cli.concat(new String[] {"build"}, data), "--out-tree", p("t.ctree"), "--quiet")));
        Cli.ok(Cli.run(Cli.concat(Cli.concat(new String[] {"knn"}, data), "--k", "5", "--query-ids", p("q.npy"), "--predecessor", "--tree", p("t.ctree"),
                "--out-indices", p("i2.npy"), "--out-distances", p("d2.npy"), "--quiet")));
        assertEquals(-1, Files.mismatch(Path.of(p("i1.npy")), Path.of(p("i2.npy"))));
        assertEquals(-1, Files.mismatch(Path.of(p("d1.npy")), Path.of(p("d2.npy"))));
        try (NpyArray x = Npy.open(coords); NpyArray v = Npy.open(Path.of(p("v.npy"))); NpyArray pp = Npy.open(Path.of(p("p.npy")));
             NpyArray u = Npy.open(Path.of(p("u.npy")));
             Dataset ds = Dataset.residual(Matrix.of("x", x), Matrix.of("v", v), Matrix.of("p", pp),
                     new Kernel(KernelType.MATERN32, 1.5, new double[] {0.5, 0.7, 0.9}))) {
            assertEquals(40, u.size());
            assertMatchesBruteForce(ds, QuerySet.ids(new long[] {399, 0, 17}, 400, "q"),
                    KnnOptions.of(5).withPredecessor(true), p("i1.npy"), p("d1.npy"));
        }
        // a tree built from other data is refused with a clear message
        Cli.Run other = Cli.run("knn", "--coords", coords.toString(), "--v", p("v.npy"), "--p", p("p.npy"),
                "--kernel", "matern32", "--variance", "2.5", "--lengthscale", "0.5,0.7,0.9", "--k", "5", "--all",
                "--tree", p("t.ctree"), "--out-indices", p("i3.npy"), "--out-distances", p("d3.npy"), "--quiet");
        assertEquals(3, other.exit(), other.toString());
        assertTrue(other.err().contains("t.ctree: was built from another dataset"), other.toString());
        // a tree of an older format (the version field at byte 8) is refused with "rebuild the tree"
        byte[] bytes = Files.readAllBytes(Path.of(p("t.ctree")));
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()).putInt(8, 3);
        Files.write(Path.of(p("old.ctree")), bytes);
        Cli.Run old = Cli.run(Cli.concat(Cli.concat(new String[] {"knn"}, data), "--k", "5", "--all", "--tree", p("old.ctree"),
                "--out-indices", p("i4.npy"), "--out-distances", p("d4.npy"), "--quiet"));
        assertEquals(3, old.exit(), old.toString());
        assertTrue(old.err().contains("old.ctree: tree file format 3, this program reads format 4; rebuild the tree"),
                old.toString());
    }

    @Test
    void aSavedBoundsTreeGivesTheSameFilesAsTheScan() throws Exception {
        String[] data = {"--coords", coords.toString(), "--metric", "euclidean"};
        Cli.ok(Cli.run(Cli.concat(Cli.concat(new String[] {"build"}, data), "--engine", "bounds", "--out-tree", p("t.btree"), "--quiet")));
        Cli.ok(Cli.run(Cli.concat(Cli.concat(new String[] {"knn"}, data), "--k", "7", "--all", "--tree", p("t.btree"),
                "--out-indices", p("i1.npy"), "--out-distances", p("d1.npy"))));
        Cli.ok(Cli.run(Cli.concat(Cli.concat(new String[] {"knn"}, data), "--k", "7", "--all", "--engine", "scan",
                "--out-indices", p("i2.npy"), "--out-distances", p("d2.npy"), "--quiet")));
        assertEquals(-1, Files.mismatch(Path.of(p("i1.npy")), Path.of(p("i2.npy"))));
        assertEquals(-1, Files.mismatch(Path.of(p("d1.npy")), Path.of(p("d2.npy"))));
        Cli.Run brute = Cli.run(Cli.concat(Cli.concat(new String[] {"knn"}, data), "--k", "7", "--all", "--tree", p("t.btree"),
                "--engine", "brute", "--out-indices", p("i3.npy"), "--out-distances", p("d3.npy")));
        assertEquals(2, brute.exit(), brute.toString());
    }

    @Test
    void queryCoordinatesGiveTheSameNeighboursAsTheLibrary() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            Matrix q = RandomPoints.generate("q", 9, 3, 77, a);
            NpyRowWriter.write(Path.of(p("qc.npy")), q.segment(), NpyDType.F8, new long[] {9, 3}, false);
        }
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--kernel", "rbf", "--inducing", "30", "--k", "4",
                "--query-coords", p("qc.npy"), "--out-indices", p("i.npy"), "--out-distances", p("d.npy"), "--quiet"));
        try (NpyArray i = Npy.open(Path.of(p("i.npy"))); NpyArray d = Npy.open(Path.of(p("d.npy")))) {
            assertEquals(9, i.dim(0));
            for (int r = 0; r < 9; r++) {
                assertTrue(i.getLong(r, 0) >= 0 && d.getDouble(r, 0) <= d.getDouble(r, 3));
            }
        }
        Cli.Run noIds = Cli.run("knn", "--coords", coords.toString(), "--v", p("i.npy"), "--p", p("d.npy"), "--kernel",
                "rbf", "--k", "4", "--query-coords", p("qc.npy"), "--out-indices", p("i9.npy"), "--out-distances", p("d9.npy"));
        assertTrue(noIds.exit() != 0, noIds.toString());
    }

    @Test
    void usageErrorsExitWithTwoAndNameTheFlag() throws Exception {
        String[] base = {"knn", "--coords", coords.toString(), "--metric", "euclidean", "--out-indices", p("i.npy"),
                "--out-distances", p("d.npy")};
        Cli.Run missingK = Cli.run(Cli.concat(base, "--all"));
        assertEquals(2, missingK.exit());
        assertTrue(missingK.err().contains("--k"), missingK.toString());
        Cli.Run both = Cli.run(Cli.concat(base, "--k", "3", "--all", "--query-ids", p("q.npy")));
        assertEquals(2, both.exit(), both.toString());
        assertTrue(both.err().contains("--all and --query-ids exclude each other"), both.toString());
        Cli.Run noQueries = Cli.run(Cli.concat(base, "--k", "3"));
        assertEquals(2, noQueries.exit(), noQueries.toString());
        assertTrue(noQueries.err().contains("--all, --query-ids IDS.npy or --query-coords Q.npy"), noQueries.toString());
        Cli.Run zero = Cli.run(Cli.concat(base, "--k", "0", "--all"));
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--k must be >= 1, got 0"), zero.toString());
        Cli.Run engine = Cli.run(Cli.concat(base, "--k", "3", "--all", "--engine", "warp"));
        assertEquals(2, engine.exit());
        assertTrue(engine.err().contains("Invalid value for option '--engine'") && engine.err().contains("'warp'"),
                engine.toString());
        Cli.Run noKernel = Cli.run("knn", "--coords", coords.toString(), "--k", "3", "--all", "--out-indices", p("i.npy"),
                "--out-distances", p("d.npy"));
        assertEquals(2, noKernel.exit());
        assertTrue(noKernel.err().contains("--kernel is required"), noKernel.toString());
        assertEquals(2, Cli.run("frobnicate").exit());
        assertEquals(2, Cli.run().exit());
    }

    @Test
    void anExistingOutputIsNeitherOverwrittenNorTouchedWithoutForce() throws Exception {
        Files.writeString(Path.of(p("i.npy")), "mine");
        String[] args = {"knn", "--coords", coords.toString(), "--metric", "euclidean", "--k", "3", "--all",
                "--out-indices", p("i.npy"), "--out-distances", p("d.npy"), "--quiet"};
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--out-indices " + p("i.npy") + " exists; pass --force"), r.toString());
        assertEquals("mine", Files.readString(Path.of(p("i.npy"))));
        assertFalse(Files.exists(Path.of(p("d.npy"))));
        Cli.ok(Cli.run(Cli.concat(args, "--force")));
        try (NpyArray a = Npy.open(Path.of(p("i.npy")))) {
            assertEquals(400, a.dim(0));
        }
    }

    /**
     * NaN or ±inf in coordinates, V or p, and p ≤ 0: exit 3 naming the array and the first bad row, whatever
     * the engine (the inputs are checked before any engine sees them).
     */
    @Test
    void nonFiniteValuesAndNonPositivePAreExitThreeNamingTheArrayInEveryEngine() throws Exception {
        Cli.ok(Cli.run("prepare", "--coords", coords.toString(), "--kernel", "matern32", "--lengthscale", "0.5",
                "--inducing", "16", "--out-v", p("v.npy"), "--out-p", p("p.npy"), "--quiet"));
        Object[][] cases = {
            // file, element, value, what the message says
            {"x.npy", 5L * 3 + 2, Double.POSITIVE_INFINITY, "x-bad.npy: Infinity at index (5, 2)"},
            {"x.npy", 8L * 3, Double.NEGATIVE_INFINITY, "x-bad.npy: -Infinity at index (8, 0)"},
            {"v.npy", 9L * 16 + 4, Double.NaN, "v-bad.npy: NaN at index (9, 4)"},
            {"p.npy", 4L, 0.0, "p-bad.npy: p[4] = 0.0 (every p must be > 0)"},
            {"p.npy", 6L, -1.0, "p-bad.npy: p[6] = -1.0 (every p must be > 0)"},
            {"p.npy", 7L, Double.NaN, "p-bad.npy: NaN at index 7"},
        };
        for (Object[] c : cases) {
            String name = (String) c[0];
            Path bad = dir.resolve(name.replace(".npy", "-bad.npy"));
            try (NpyArray a = Npy.open(dir.resolve(name)); Arena arena = Arena.ofConfined()) {
                MemorySegment copy = arena.allocate(a.segment().byteSize(), 8);
                copy.copyFrom(a.segment());
                if (a.dtype() == NpyDType.F4) {
                    copy.setAtIndex(ValueLayout.JAVA_FLOAT, (long) c[1], (float) (double) c[2]);
                } else {
                    copy.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) c[1], (double) c[2]);
                }
                long[] shape = a.ndim() == 1 ? new long[] {a.dim(0)} : new long[] {a.dim(0), a.dim(1)};
                NpyRowWriter.write(bad, copy, a.dtype(), shape, true);
            }
            for (String engine : new String[] {"auto", "scan", "brute", "tree", "bounds"}) {
                String x = name.equals("x.npy") ? bad.toString() : coords.toString();
                String v = name.equals("v.npy") ? bad.toString() : p("v.npy");
                String pp = name.equals("p.npy") ? bad.toString() : p("p.npy");
                Cli.Run r = Cli.run("knn", "--coords", x, "--v", v, "--p", pp, "--kernel", "matern32", "--lengthscale",
                        "0.5", "--k", "5", "--all", "--predecessor", "--engine", engine, "--out-indices", p("i.npy"),
                        "--out-distances", p("d.npy"), "--quiet");
                assertEquals(3, r.exit(), engine + " " + r);
                assertTrue(r.err().contains((String) c[3]), engine + " " + r);
                assertEquals(1, r.err().lines().count(), r.toString());
                assertFalse(Files.exists(Path.of(p("i.npy"))), "no output");
            }
        }
    }

    @Test
    void badDataExitsWithThreeInOneLineWithoutAStackTraceAndLeavesNoOutput() throws Exception {
        Path bad = dir.resolve("bad.npy");
        try (Arena a = Arena.ofConfined()) {
            Matrix x = RandomPoints.generate("x", 10, 2, 1, a);
            x.segment().setAtIndex(ValueLayout.JAVA_DOUBLE, 7, Double.NaN);
            NpyRowWriter.write(bad, x.segment(), NpyDType.F8, new long[] {10, 2}, false);
        }
        Files.write(dir.resolve("trunc.npy"), java.util.Arrays.copyOf(Files.readAllBytes(coords), 500));
        for (String[] c : new String[][] {
                {bad.toString(), "bad.npy: NaN at index (3, 1)"},
                {p("trunc.npy"), "trunc.npy: truncated data"},
                {p("missing.npy"), "missing.npy: no such file"}}) {
            Cli.Run r = Cli.run("knn", "--coords", c[0], "--metric", "euclidean", "--k", "3", "--all",
                    "--out-indices", p("i.npy"), "--out-distances", p("d.npy"));
            assertEquals(3, r.exit(), r.toString());
            assertTrue(r.err().contains(c[1]), r.toString());
            assertEquals(1, r.err().lines().filter(l -> !l.startsWith("WARNING")).count(), r.toString());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("i.npy")
                        || f.getFileName().toString().contains(".partial")), "no output left");
            }
        }
        Cli.Run debug = Cli.run("knn", "--coords", bad.toString(), "--metric", "euclidean", "--k", "3", "--all",
                "--out-indices", p("i.npy"), "--out-distances", p("d.npy"), "--debug");
        assertEquals(3, debug.exit());
        assertTrue(debug.err().contains("\tat dev.covertree"), "--debug prints the trace");
        Cli.Run info = Cli.run("npy", "info", p("trunc.npy"));
        assertEquals(3, info.exit());
        Cli.Run mismatch = Cli.run("knn", "--coords", coords.toString(), "--v", bad.toString(), "--p", bad.toString(),
                "--kernel", "rbf", "--k", "3", "--all", "--out-indices", p("i.npy"), "--out-distances", p("d.npy"));
        assertEquals(3, mismatch.exit(), mismatch.toString());
        assertTrue(mismatch.err().contains("has 10 rows but " + coords + " has 400"), mismatch.toString());
    }

    @Test
    void npyInfoDescribesAFile() {
        Cli.Run r = Cli.run("npy", "info", coords.toString());
        Cli.ok(r);
        assertTrue(r.out().contains("dtype f8") && r.out().contains("shape (400, 3)") && r.out().contains("memory-mapped"),
                r.toString());
    }

    @Test
    void theDemoRunsOnAReducedSizeAndChecksItself() throws Exception {
        Cli.Run r = Cli.run("demo", "--n", "600", "--inducing", "64", "--k", "10", "--out", p("demo"));
        Cli.ok(r);
        assertTrue(r.out().contains("all identical"), r.toString());
        try (NpyArray i = Npy.open(Path.of(p("demo/indices.npy")))) {
            assertEquals(600, i.dim(0));
            assertEquals(-1, i.getLong(0, 0), "row 0 has no predecessors");
        }
    }
}
