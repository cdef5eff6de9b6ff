package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Matrix;
import dev.covertree.engine.RandomPoints;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyRowWriter;
import dev.covertree.npy.NpzWriter;
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

/** No silent wrong answers and no lost data, end to end through the command line (issue 14). */
class CliSafetyTest {
    @TempDir
    Path dir;
    Path coords;

    @BeforeEach
    void data() throws Exception {
        coords = dir.resolve("x.npy");
        try (Arena a = Arena.ofConfined()) {
            Matrix x = RandomPoints.generate("x", 300, 2, 9, a);
            NpyRowWriter.write(coords, x.segment(), NpyDType.F8, new long[] {300, 2}, false);
        }
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void fails(int exit, String message, Cli.Run r) {
        assertEquals(exit, r.exit(), r.toString());
        assertTrue(r.err().contains(message), "expected '" + message + "' in\n" + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    private void prepare(String kernel, String variance, String lengthscale) {
        Cli.ok(Cli.run("prepare", "--coords", coords.toString(), "--kernel", kernel, "--variance", variance, "--lengthscale",
                lengthscale, "--inducing", "30", "--out-v", p("v.npy"), "--out-p", p("p.npy"), "--force", "--quiet"));
    }

    private Cli.Run knn(String kernel, String variance, String lengthscale, String... extra) {
        String[] base = {"knn", "--coords", coords.toString(), "--v", p("v.npy"), "--p", p("p.npy"), "--kernel", kernel,
                "--variance", variance, "--lengthscale", lengthscale, "--k", "5", "--all", "--out-indices", p("i.npy"),
                "--out-distances", p("d.npy"), "--force", "--quiet"};
        return Cli.run(Cli.concat(base, extra));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rbf", "matern32"})
    void kernelSettingsThatDoNotBelongToVAndPStopTheJobInsteadOfReturningZeros(String kernel) throws Exception {
        prepare(kernel, "1.0", "0.3");
        Cli.ok(knn(kernel, "1.0", "0.3"));
        Files.delete(Path.of(p("i.npy")));
        fails(3, "do not belong to V and p", knn(kernel, "1.0", "2.0"));
        assertFalse(Files.exists(Path.of(p("i.npy"))), "no output from a refused job");
        fails(3, "does not match the kernel variance 1.7", knn(kernel, "1.7", "0.3"));
        fails(3, "does not match the kernel variance 0.6", knn(kernel, "0.6", "0.3"));
        // the user who knows better may search anyway
        Cli.ok(knn(kernel, "1.7", "0.3", "--allow-inconsistent"));
    }

    @Test
    void aCallersOwnPThatDiffersAtSomePointsStillPasses() throws Exception {
        prepare("matern32", "1.0", "0.3");
        try (NpyArray p = Npy.open(Path.of(p("p.npy"))); Arena a = Arena.ofConfined()) {
            MemorySegment own = a.allocate(p.segment().byteSize());
            own.copyFrom(p.segment());
            for (long i = 0; i < 300; i += 5) {
                own.setAtIndex(ValueLayout.JAVA_DOUBLE, i, own.getAtIndex(ValueLayout.JAVA_DOUBLE, i) * 1.3);
            }
            NpyRowWriter.write(Path.of(p("own.npy")), own, NpyDType.F8, new long[] {300}, false);
        }
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--v", p("v.npy"), "--p", p("own.npy"), "--kernel", "matern32",
                "--lengthscale", "0.3", "--k", "5", "--all", "--out-indices", p("i.npy"), "--out-distances", p("d.npy"),
                "--quiet"));
    }

    @Test
    void aModelBundleCarriesEverySettingAndGivesTheSameAnswer() throws Exception {
        Cli.ok(Cli.run("prepare", "--coords", coords.toString(), "--kernel", "matern52", "--variance", "1.3", "--lengthscale",
                "0.4,0.6", "--inducing", "25", "--seed", "4", "--out-model", p("m.npz"), "--out-v", p("v.npy"),
                "--out-p", p("p.npy"), "--quiet"));
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--v", p("v.npy"), "--p", p("p.npy"), "--kernel", "matern52",
                "--variance", "1.3", "--lengthscale", "0.4,0.6", "--k", "6", "--all", "--predecessor",
                "--out-indices", p("i1.npy"), "--out-distances", p("d1.npy"), "--quiet"));
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--model", p("m.npz"), "--k", "6", "--all", "--predecessor",
                "--out-indices", p("i2.npy"), "--out-distances", p("d2.npy"), "--quiet"));
        assertEquals(-1, Files.mismatch(Path.of(p("i1.npy")), Path.of(p("i2.npy"))));
        assertEquals(-1, Files.mismatch(Path.of(p("d1.npy")), Path.of(p("d2.npy"))));
        // a flag that agrees is fine, one that contradicts is a usage error
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--model", p("m.npz"), "--kernel", "matern52", "--k", "6", "--all",
                "--out-indices", p("i3.npy"), "--out-distances", p("d3.npy"), "--quiet"));
        fails(2, "--lengthscale 0.5 contradicts the model bundle", Cli.run("knn", "--coords", coords.toString(), "--model",
                p("m.npz"), "--lengthscale", "0.5", "--k", "6", "--all", "--out-indices", p("i4.npy"), "--out-distances",
                p("d4.npy")));
        // query coordinates use the bundle's inducing points
        try (Arena a = Arena.ofConfined()) {
            Matrix q = RandomPoints.generate("q", 7, 2, 3, a);
            NpyRowWriter.write(Path.of(p("q.npy")), q.segment(), NpyDType.F8, new long[] {7, 2}, false);
        }
        Cli.ok(Cli.run("knn", "--coords", coords.toString(), "--model", p("m.npz"), "--k", "4", "--query-coords", p("q.npy"),
                "--out-indices", p("i5.npy"), "--out-distances", p("d5.npy"), "--quiet"));
        // other coordinates than the bundle's are refused
        try (Arena a = Arena.ofConfined()) {
            Matrix x = RandomPoints.generate("y", 300, 2, 10, a);
            NpyRowWriter.write(Path.of(p("y.npy")), x.segment(), NpyDType.F8, new long[] {300, 2}, false);
        }
        fails(3, "are not the coordinates", Cli.run("knn", "--coords", p("y.npy"), "--model", p("m.npz"), "--k", "4",
                "--all", "--out-indices", p("i6.npy"), "--out-distances", p("d6.npy")));
        // np.load's view: the bundle lists its entries
        Cli.Run info = Cli.run("npy", "info", p("m.npz"));
        Cli.ok(info);
        assertTrue(info.out().contains("V: dtype f4, shape (300, 25)") && info.out().contains("lengthscale: dtype f8, shape (2,)"),
                info.toString());
    }

    @Test
    void npzFilesAreReadWhereverAnArrayIs() throws Exception {
        try (NpyArray x = Npy.open(coords); NpzWriter w = NpzWriter.create(dir.resolve("one.npz"), true, false)) {
            w.add("points", x);
        }
        try (NpyArray x = Npy.open(coords); NpzWriter w = NpzWriter.create(dir.resolve("two.npz"), false, false)) {
            w.add("a", x);
            w.add("b", x);
        }
        String[] tail = {"--metric", "euclidean", "--k", "3", "--all", "--out-distances", p("d.npy"), "--quiet", "--force"};
        Cli.ok(Cli.run(Cli.concat(new String[] {"knn", "--coords", coords.toString(), "--out-indices", p("i0.npy")}, tail)));
        Cli.ok(Cli.run(Cli.concat(new String[] {"knn", "--coords", p("one.npz"), "--out-indices", p("i1.npy")}, tail)));
        Cli.ok(Cli.run(Cli.concat(new String[] {"knn", "--coords", p("two.npz") + ":b", "--out-indices", p("i2.npy")}, tail)));
        assertEquals(-1, Files.mismatch(Path.of(p("i0.npy")), Path.of(p("i1.npy"))));
        assertEquals(-1, Files.mismatch(Path.of(p("i0.npy")), Path.of(p("i2.npy"))));
        fails(3, "holds 2 arrays [a, b]: name one as", Cli.run(Cli.concat(new String[] {"knn", "--coords", p("two.npz"),
                "--out-indices", p("i3.npy")}, tail)));
        fails(3, "no array named 'c'", Cli.run(Cli.concat(new String[] {"knn", "--coords", p("two.npz") + ":c",
                "--out-indices", p("i3.npy")}, tail)));
        Cli.Run info = Cli.run("npy", "info", p("two.npz"), p("one.npz") + ":points");
        Cli.ok(info);
        assertTrue(info.out().contains(".npz archive of 2 arrays") && info.out().contains("one.npz:points"), info.toString());
    }

    @Test
    void anOutputOnAnInputOrTwoOutputsOnOneFileAreRefusedBeforeAnythingIsWritten() throws Exception {
        byte[] before = Files.readAllBytes(coords);
        String[] common = {"knn", "--coords", coords.toString(), "--metric", "euclidean", "--k", "3", "--all", "--force"};
        fails(2, "--out-indices " + coords + " is also --coords: an output may not overwrite an input",
                Cli.run(Cli.concat(common, "--out-indices", coords.toString(), "--out-distances", p("d.npy"))));
        assertEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(coords)));
        fails(2, "--out-indices and --out-distances are both", Cli.run(Cli.concat(common, "--out-indices", p("o.npy"),
                "--out-distances", dir.resolve("sub/../o.npy").toString())));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("o.npy")), "nothing written");
        }
        fails(2, "--out-v " + coords + " is also --coords", Cli.run("prepare", "--coords", coords.toString(), "--kernel", "rbf",
                "--out-v", coords.toString(), "--out-p", p("p.npy"), "--force"));
    }

    @Test
    void theDemoRunsAgainInItsOwnFolderAndSaysItReplacesItsOutputs() throws Exception {
        String[] demo = {"demo", "--n", "400", "--inducing", "32", "--k", "5", "--out", p("demo")};
        Cli.ok(Cli.run(demo));
        Cli.Run again = Cli.run(demo);
        Cli.ok(again);
        assertTrue(again.out().contains("replacing the outputs of an earlier demo run"), again.toString());
        // a folder that is not the demo's keeps its files unless --force
        Files.createDirectories(Path.of(p("mine")));
        Files.writeString(Path.of(p("mine/indices.npy")), "mine");
        fails(2, "exists; pass --force", Cli.run("demo", "--n", "400", "--inducing", "32", "--k", "5", "--out", p("mine")));
        assertEquals("mine", Files.readString(Path.of(p("mine/indices.npy"))));
    }

    @Test
    void quietLeavesNothingButErrors() {
        Cli.Run r = Cli.run("knn", "--coords", coords.toString(), "--metric", "euclidean", "--k", "3", "--all",
                "--out-indices", p("i.npy"), "--out-distances", p("d.npy"), "--quiet");
        Cli.ok(r);
        assertEquals("", r.out(), r.toString());
        assertEquals("", r.err(), r.toString());
    }

    @Test
    void helpAndMessagesSayWhatIsMeant() throws Exception {
        Cli.Run help = Cli.run("prepare", "--help");
        Cli.ok(help);
        assertTrue(help.out().contains("--lengthscale=L[,L2,...]") && !help.out().contains("...]]..."), help.toString());
        assertFalse(help.out().contains("required for the residual metric"), help.toString());
        assertFalse(help.err().contains("Could not format"), help.toString());
        Cli.Run info = Cli.run("npy", "info", "--help");
        assertTrue(info.out().contains("Exit codes:"), info.toString());
        fails(2, "--lengthscale", Cli.run("prepare", "--coords", coords.toString(), "--kernel", "rbf", "--lengthscale", "1",
                "--lengthscale", "2", "--out-v", p("v.npy"), "--out-p", p("p.npy")));
        fails(2, "--inducing must be >= 1, got 0", Cli.run("prepare", "--coords", coords.toString(), "--kernel", "rbf",
                "--inducing", "0", "--out-v", p("v.npy"), "--out-p", p("p.npy")));
        // a query of the wrong dimension names the file and both dimensions
        try (Arena a = Arena.ofConfined()) {
            Matrix q = RandomPoints.generate("q", 4, 3, 1, a);
            NpyRowWriter.write(Path.of(p("q3.npy")), q.segment(), NpyDType.F8, new long[] {4, 3}, false);
            MemorySegment one = a.allocate(ValueLayout.JAVA_LONG, 1);
            NpyRowWriter.write(Path.of(p("one.npy")), one, NpyDType.I8, new long[] {1}, false);
        }
        fails(3, p("q3.npy") + ": query points have 3 coordinates, " + coords + " has 2", Cli.run("knn", "--coords",
                coords.toString(), "--metric", "euclidean", "--k", "2", "--query-coords", p("q3.npy"), "--out-indices",
                p("i.npy"), "--out-distances", p("d.npy")));
        Cli.Run single = Cli.run("knn", "--coords", coords.toString(), "--metric", "euclidean", "--k", "2", "--query-ids",
                p("one.npy"), "--out-indices", p("i.npy"), "--out-distances", p("d.npy"));
        Cli.ok(single);
        assertTrue(single.out().contains("knn: 1 query, k = 2"), single.toString());
    }
}
