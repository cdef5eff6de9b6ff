package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Spark and this module on the class path, a knn run without {@code --spark} loads no Spark class (no
 * start-up cost for anyone else); with it, Spark is loaded. Checked in a fresh JVM that logs every class it loads.
 */
class NoSparkWithoutTheFlagTest {
    @TempDir
    Path dir;

    @Test
    void aRunWithoutSparkLoadsNoSparkClass() throws Exception {
        Cli.ok(List.of("generate", "--n", "500", "--out", dir.resolve("x.npy").toString(), "--quiet"));
        String log = loadedClasses(List.of("knn", "--coords", dir.resolve("x.npy").toString(), "--metric", "euclidean",
                "--k", "5", "--all", "--out-indices", dir.resolve("i.npy").toString(), "--out-distances",
                dir.resolve("d.npy").toString(), "--quiet"));
        assertTrue(log.contains("dev.covertree.engine.knn.Knn "), "the log lists the classes loaded:\n" + head(log));
        assertFalse(log.contains("org.apache.spark"), "a run without --spark loaded Spark classes:\n"
                + log.lines().filter(l -> l.contains("org.apache.spark")).limit(5).toList());
        assertFalse(log.contains("dev.covertree.spark"), "a run without --spark loaded the spark module");
    }

    @Test
    void aRunWithSparkLoadsIt() throws Exception {
        Cli.ok(List.of("generate", "--n", "500", "--out", dir.resolve("x.npy").toString(), "--quiet"));
        String log = loadedClasses(List.of("knn", "--coords", dir.resolve("x.npy").toString(), "--metric", "euclidean",
                "--k", "5", "--all", "--spark", "local[1]", "--out-indices", dir.resolve("i.npy").toString(),
                "--out-distances", dir.resolve("d.npy").toString(), "--quiet"));
        assertTrue(log.contains("org.apache.spark.SparkContext "), "the check would not see Spark:\n" + head(log));
    }

    /** Runs the tool in a new JVM with this test's class path and flags, returning its class-loading log. */
    private String loadedClasses(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("--enable-native-access")).toList());
        cmd.add("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.covertree.cli.Main"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
        int code = p.waitFor();
        String run = java.nio.file.Files.readString(dir.resolve("run.log"), StandardCharsets.UTF_8);
        assertEquals(0, code, "the run failed:\n" + run);
        return java.nio.file.Files.readString(dir.resolve("classes.log"), StandardCharsets.UTF_8);
    }

    private static String head(String log) {
        return String.join("\n", log.lines().limit(5).toList());
    }
}
