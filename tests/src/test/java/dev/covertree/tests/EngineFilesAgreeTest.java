package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every engine, run through the command-line tool on the reference cases, writes output files
 * byte-identical to {@code --engine scan}'s: query ids, the all-points predecessor job, and the Euclidean
 * all-points job (the reference answers themselves are checked with SPEC's tolerance in
 * {@link ReferenceAnswersTest}; here the engines must agree with each other to the bit).
 */
class EngineFilesAgreeTest {
    private static final String[] ENGINES = {"brute", "tree", "bounds", "auto"};

    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(strings = {"gold-4k", "local-4k", "spatial-8k"})
    void everyEngineWritesTheScanEnginesBytes(String name) throws Exception {
        Path dir = Reference.dir(name);
        String json = Reference.json(dir);
        String ls = String.valueOf(Reference.number(json, "lengthscale"));
        String[] residual = {"--coords", dir.resolve("coords.npy").toString(), "--v", dir.resolve("v.npy").toString(),
            "--p", dir.resolve("p.npy").toString(), "--kernel", Reference.string(json, "kernel").toLowerCase(Locale.ROOT),
            "--variance", String.valueOf(Reference.number(json, "variance")), "--lengthscale", ls,
            "--k", String.valueOf((int) Reference.number(json, "k"))};
        String[] euclidean = {"--coords", dir.resolve("coords.npy").toString(), "--metric", "euclidean", "--k", "10"};
        agree(name + " query ids", residual, "--query-ids", dir.resolve("q_ids.npy").toString());
        agree(name + " predecessor", residual, "--all", "--predecessor");
        agree(name + " euclidean", euclidean, "--all");
    }

    private void agree(String what, String[] data, String... queries) throws Exception {
        Path scanI = run(what, "scan", data, queries);
        for (String engine : ENGINES) {
            Path i = run(what, engine, data, queries);
            assertEquals(-1, Files.mismatch(scanI, i), what + ": " + engine + " indices differ from scan's");
            assertEquals(-1, Files.mismatch(distances(scanI), distances(i)), what + ": " + engine
                    + " distances differ from scan's");
        }
    }

    private static Path distances(Path indices) {
        return indices.resolveSibling(indices.getFileName().toString().replace("-i.npy", "-d.npy"));
    }

    /** Runs knn with one engine; returns its indices file (distances beside it). */
    private Path run(String what, String engine, String[] data, String... queries) {
        String tag = what.replace(' ', '_') + "-" + engine;
        Path i = out.resolve(tag + "-i.npy");
        List<String> args = new ArrayList<>(List.of("knn"));
        args.addAll(List.of(data));
        args.addAll(List.of(queries));
        args.addAll(List.of("--engine", engine, "--out-indices", i.toString(), "--out-distances", distances(i).toString(),
                "--quiet"));
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), what + " " + engine + ": " + r);
        return i;
    }
}
