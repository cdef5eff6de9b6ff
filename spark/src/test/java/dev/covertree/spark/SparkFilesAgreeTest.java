package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code covertree knn --spark local[2]} writes the files the single-process run writes, byte for byte: on
 * the reference cases (query ids, the all-points predecessor job, Euclidean all points) with one segment
 * and with several, and on a seeded spatial field (predecessor with 4 segments, query points by
 * coordinates).
 */
class SparkFilesAgreeTest {
    @TempDir
    static Path spatial;

    @TempDir
    Path out;

    /** A 2-d uniform field, V and p for a short Matérn lengthscale, made by the tool itself. */
    @BeforeAll
    static void makeSpatialCase() {
        Cli.ok(List.of("generate", "--n", "3000", "--d", "2", "--uniform", "40", "--seed", "5", "--out",
                spatial.resolve("x.npy").toString(), "--quiet"));
        Cli.ok(List.of("generate", "--n", "300", "--d", "2", "--uniform", "40", "--seed", "6", "--out",
                spatial.resolve("q.npy").toString(), "--quiet"));
        Cli.ok(List.of("prepare", "--coords", spatial.resolve("x.npy").toString(), "--kernel", "matern32", "--variance", "1",
                "--lengthscale", "2", "--inducing", "32", "--out-v", spatial.resolve("v.npy").toString(), "--out-p",
                spatial.resolve("p.npy").toString(), "--out-inducing", spatial.resolve("ids.npy").toString(), "--quiet"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gold-4k", "local-4k", "spatial-8k"})
    void theSparkJobWritesTheSingleProcessFilesOnTheReferenceCases(String name) throws Exception {
        Path dir = Cli.reference(name);
        assumeTrue(dir != null, "reference data shared/reference/" + name + " not found beside the repository");
        String json = Files.readString(dir.resolve("case.json"));
        List<String> residual = List.of("knn", "--coords", dir.resolve("coords.npy").toString(), "--v",
                dir.resolve("v.npy").toString(), "--p", dir.resolve("p.npy").toString(), "--kernel", text(json, "kernel"),
                "--variance", number(json, "variance"), "--lengthscale", number(json, "lengthscale"), "--k", number(json, "k"));
        List<String> euclidean = List.of("knn", "--coords", dir.resolve("coords.npy").toString(), "--metric", "euclidean",
                "--k", "10", "--all");
        agree(name + " query ids", Cli.concat(residual, "--query-ids", dir.resolve("q_ids.npy").toString()), 1);
        agree(name + " predecessor", Cli.concat(residual, "--all", "--predecessor"), 4);
        agree(name + " euclidean", euclidean, 3);
    }

    @Test
    void theSparkJobWritesTheSingleProcessFilesOnASeededSpatialField() throws Exception {
        List<String> data = List.of("knn", "--coords", spatial.resolve("x.npy").toString(), "--v",
                spatial.resolve("v.npy").toString(), "--p", spatial.resolve("p.npy").toString(), "--kernel", "matern32",
                "--variance", "1", "--lengthscale", "2", "--k", "20");
        agree("spatial predecessor", Cli.concat(data, "--all", "--predecessor"), 4);
        agree("spatial query points", Cli.concat(data, "--query-coords", spatial.resolve("q.npy").toString(),
                "--inducing-ids", spatial.resolve("ids.npy").toString()), 2);
        agree("spatial include self", Cli.concat(data, "--all", "--include-self", "--engine", "tree"), 3);
    }

    @Test
    void inputsGivenAsUrisReachTheExecutorsAsTyped() throws Exception {
        List<String> tail = List.of("--kernel", "matern32", "--variance", "1", "--lengthscale", "2", "--k", "20", "--all",
                "--predecessor");
        List<String> paths = Cli.concat(List.of("knn", "--coords", spatial.resolve("x.npy").toString(), "--v",
                spatial.resolve("v.npy").toString(), "--p", spatial.resolve("p.npy").toString()), tail.toArray(String[]::new));
        List<String> uris = Cli.concat(List.of("knn", "--coords", spatial.resolve("x.npy").toUri().toString(), "--v",
                spatial.resolve("v.npy").toUri().toString(), "--p", spatial.resolve("p.npy").toUri().toString(), "--spark",
                "local[2]", "--spark-segments", "2"), tail.toArray(String[]::new));
        Cli.ok(Cli.concat(paths, Cli.outputs(out, "paths").toArray(String[]::new)));
        Cli.ok(Cli.concat(uris, Cli.outputs(out, "uris").toArray(String[]::new)));
        Cli.sameFiles(out, "paths", "uris", "file:// URIs");
    }

    @Test
    void theParquetTableAppearsWithTheFilesAndIsReplacedOnlyWithForce() throws Exception {
        List<String> job = List.of("knn", "--coords", spatial.resolve("x.npy").toString(), "--metric", "euclidean", "--k", "4",
                "--all", "--spark", "local[2]", "--spark-segments", "2", "--out-parquet", out.resolve("table").toString());
        Cli.ok(Cli.concat(job, Cli.outputs(out, "t").toArray(String[]::new)));
        assertTrue(Files.exists(out.resolve("table").resolve("_SUCCESS")), "the table is complete");
        try (var listing = Files.list(out)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains(".partial")), "no temporary left");
        }
        Cli.Run again = Cli.run(Cli.concat(job, "--out-indices", out.resolve("u-i.npy").toString(), "--out-distances",
                out.resolve("u-d.npy").toString(), "--quiet"));
        assertEquals(2, again.exit(), again.toString());
        assertTrue(again.err().contains("--out-parquet") && again.err().contains("--force"), again.err());
        Cli.ok(Cli.concat(job, "--force", "--out-indices", out.resolve("u-i.npy").toString(), "--out-distances",
                out.resolve("u-d.npy").toString(), "--quiet"));
        assertTrue(Files.exists(out.resolve("table").resolve("_SUCCESS")), "the table was replaced");
    }

    private void agree(String what, List<String> job, int segments) throws Exception {
        String tag = what.replace(' ', '_');
        Cli.ok(Cli.concat(job, Cli.outputs(out, tag + "-single").toArray(String[]::new)));
        List<String> spark = Cli.concat(job, "--spark", "local[2]", "--spark-segments", String.valueOf(segments));
        Cli.ok(Cli.concat(spark, Cli.outputs(out, tag + "-spark").toArray(String[]::new)));
        Cli.sameFiles(out, tag + "-single", tag + "-spark", what + " with " + segments + " segments");
    }

    private static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("case.json has no " + key);
        }
        return m.group(1);
    }

    private static String number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[?\\s*([-0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("case.json has no " + key);
        }
        return m.group(1);
    }
}
