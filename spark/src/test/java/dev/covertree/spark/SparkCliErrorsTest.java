package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyRowWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code knn --spark} refuses before starting Spark (exit 2, naming the flag), and bad input found
 * inside a task, which comes back as the single-process run's message and exit 3 with no output written.
 */
class SparkCliErrorsTest {
    @TempDir
    static Path dir;

    private static List<String> residual;

    @BeforeAll
    static void makeData() {
        Cli.ok(List.of("generate", "--n", "400", "--d", "2", "--out", f("x"), "--quiet"));
        Cli.ok(List.of("prepare", "--coords", f("x"), "--kernel", "rbf", "--lengthscale", "1", "--inducing", "16",
                "--out-v", f("v"), "--out-p", f("p"), "--out-model", dir.resolve("m.npz").toString(), "--quiet"));
        residual = List.of("knn", "--coords", f("x"), "--kernel", "rbf", "--lengthscale", "1", "--k", "5", "--all");
    }

    private static String f(String name) {
        return dir.resolve(name + ".npy").toString();
    }

    private static Cli.Run run(List<String> job, String... more) {
        return Cli.run(Cli.concat(Cli.concat(job, more), "--out-indices", f("out-i"), "--out-distances", f("out-d")));
    }

    private static void usage(String expected, Cli.Run r) {
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
        assertFalse(Files.exists(Path.of(f("out-i"))), "no output on a usage error");
    }

    @Test
    void optionsTheSparkJobCannotHonourAreUsageErrors() {
        List<String> vp = Cli.concat(residual, "--v", f("v"), "--p", f("p"));
        usage("needs --v and --p", run(residual, "--spark", "local[1]"));
        usage("--model", run(List.of("knn", "--coords", f("x"), "--model", dir.resolve("m.npz").toString(), "--k", "5",
                "--all"), "--spark", "local[1]"));
        usage("--order random", run(vp, "--predecessor", "--order", "random", "--spark", "local[1]"));
        usage("--threads does not apply", run(vp, "--threads", "2", "--spark", "local[1]"));
        usage("--spark-segments must be >= 1", run(vp, "--spark", "local[1]", "--spark-segments", "0"));
        usage("--out-parquet needs --spark", run(vp, "--out-parquet", dir.resolve("t").toString()));
        usage("--spark-segments needs --spark", run(vp, "--spark-segments", "3"));
        usage("--spark nowhere[9]", run(vp, "--spark", "nowhere[9]"));
    }

    @Test
    void moreSegmentsThanPointsIsBadInput() {
        Cli.Run r = run(Cli.concat(residual, "--v", f("v"), "--p", f("p")), "--spark", "local[1]", "--spark-segments", "401");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("more than the 400 points"), r.err());
    }

    @Test
    void aBadValueFoundInATaskIsReportedAsTheSingleProcessRunReportsIt() throws Exception {
        Path p = dir.resolve("bad-p.npy");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_DOUBLE, 400);
            for (int i = 0; i < 400; i++) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, i == 333 ? -1.0 : 0.5);
            }
            NpyRowWriter.write(p, s, NpyDType.F8, new long[] {400}, false);
        }
        Cli.Run r = run(Cli.concat(residual, "--v", f("v"), "--p", p.toString(), "--allow-inconsistent"), "--spark", "local[1]",
                "--spark-segments", "3");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("bad-p.npy") && r.err().contains("every p must be > 0"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
        assertFalse(Files.exists(Path.of(f("out-i"))), "no output after a failed job");
    }
}
