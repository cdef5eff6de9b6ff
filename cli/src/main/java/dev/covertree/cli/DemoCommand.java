package dev.covertree.cli;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.prepare.PreparedResidual;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyRowWriter;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code covertree demo}: the main job on the built-in gold workload. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job on a built-in dataset: the gold workload (N points ~ Normal(0, I_3), "
                + "RBF kernel, variance 1, lengthscale 1, m = 512 inducing points, V stored as f4). It prepares V and p, "
                + "finds the k = 50 Vecchia neighbour sets (all points, predecessor mode), checks a sample of rows "
                + "against a one-at-a-time brute force, and writes indices.npy, distances.npy and coords.npy."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (and the check passed)", "1:the check failed or an internal error", "2:usage error"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--n", paramLabel = "N", defaultValue = "32768", description = "Points (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--inducing", paramLabel = "M", defaultValue = "512",
            description = "Inducing points (default: ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--k", paramLabel = "K", defaultValue = "50", description = "Neighbours (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of points and inducing choice "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--check-rows", paramLabel = "R", defaultValue = "64",
            description = "Rows checked against brute force (default: ${DEFAULT-VALUE}).")
    int checkRows;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "covertree-demo",
            description = "Output folder, created if needed; a later demo run in the same folder replaces its outputs "
                    + "(default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Mixin
    RunOptions run = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The file that marks a folder as the demo's own. */
    static final String MARKER = "covertree-demo.txt";

    @Override
    public Integer call() throws Exception {
        if (n < 2 || m < 1 || m > n || k < 1 || checkRows < 0) {
            throw new UsageException("need --n >= 2, 1 <= --inducing <= --n, --k >= 1, --check-rows >= 0");
        }
        Engine eng = engine;
        Files.createDirectories(outDir);
        Path idx = outDir.resolve("indices.npy");
        Path dist = outDir.resolve("distances.npy");
        Path coordsFile = outDir.resolve("coords.npy");
        // the folder is the demo's own once it holds the demo's marker: its earlier outputs are then replaced
        Path marker = outDir.resolve(MARKER);
        boolean own = Files.exists(marker);
        boolean replacing = own && (Files.exists(idx) || Files.exists(dist) || Files.exists(coordsFile));
        if (!own) {
            run.checkOutputs(List.of(new RunOptions.FileArg("--out", idx), new RunOptions.FileArg("--out", dist),
                    new RunOptions.FileArg("--out", coordsFile)), List.of());
        }
        boolean overwrite = own || run.force;
        Files.writeString(marker, "Written by 'covertree demo': it replaces indices.npy, distances.npy and coords.npy "
                + "in this folder on every run.\n");
        int threads = run.threads();
        Telemetry tel = run.telemetry();
        PrintWriter out = run.out(spec);
        PrintWriter err = spec.commandLine().getErr();
        if (replacing && !run.quiet) {
            out.printf("demo: replacing the outputs of an earlier demo run in %s%n", outDir);
        }
        out.printf("demo: gold workload, N = %d points in 3-D, RBF(variance 1, lengthscale 1), m = %d, k = %d, "
                + "predecessor mode, %d threads%n", n, m, k, threads);
        try (Arena arena = Arena.ofShared()) {
            Telemetry.Phase gen = tel.phase("generate");
            Matrix x = RandomPoints.generate("coords", n, 3, seed, arena);
            double genS = gen.count("n", n).end();
            Telemetry.Phase prep = tel.phase("prepare");
            try (PreparedResidual r = PreparedResidual.prepare(x, Kernel.of(KernelType.RBF, 1, 1), Inducing.random(m, seed),
                    NpyDType.F4, threads)) {
                double prepS = prep.count("m", m).count("backend", r.basis().backend()).end();
                Dataset ds = r.dataset();
                KnnOptions opt = new KnnOptions(k, false, true, threads, eng);
                Telemetry.Phase search = tel.phase("search");
                try (Progress progress = new Progress(err, "neighbours", n, run.quiet);
                     EnginePlan plan = EnginePlan.of(Metric.of(ds), QuerySet.allPoints(n), opt, ScratchSpace.auto());
                     KnnResult res = Knn.search(Metric.of(ds), QuerySet.allPoints(n), opt, plan, progress, null, null)) {
                    progress.close();
                    double searchS = search.count("engine", res.engine().name().toLowerCase())
                            .count("distance_evaluations", res.distanceEvaluations()).end();
                    Telemetry.Phase check = tel.phase("check");
                    long[] sample = new SplittableRandom(seed + 1).longs(Math.min(checkRows, n), 0, n).toArray();
                    int bad = 0;
                    try (KnnResult oracle = Knn.search(Metric.of(ds), QuerySet.ids(sample, n, "sample"),
                            opt.withEngine(Engine.SCAN))) {
                        for (int i = 0; i < sample.length; i++) {
                            for (int j = 0; j < k; j++) {
                                if (oracle.index(i, j) != res.index(sample[i], j)
                                        || oracle.distance(i, j) != res.distance(sample[i], j)) {
                                    bad++;
                                    break;
                                }
                            }
                        }
                    }
                    double checkS = check.count("rows", sample.length).count("mismatches", bad).end();
                    long[] shape = {n, k};
                    NpyRowWriter.write(idx, res.indices(), NpyDType.I8, shape, overwrite);
                    NpyRowWriter.write(dist, res.distances(), NpyDType.F8, shape, overwrite);
                    NpyRowWriter.write(coordsFile, x.segment(), NpyDType.F8, new long[] {n, 3}, overwrite);
                    out.printf("  generate points   %7.2f s%n", genS);
                    out.printf("  prepare V and p   %7.2f s  (%s, V as f4: %.1f MB)%n", prepS, r.basis().backend(),
                            ds.v().segment().byteSize() / 1e6);
                    out.printf("  neighbour sets    %7.2f s  (engine %s, %.0f queries/s, %.0f distances per query "
                                    + "of %.0f candidates)%n", searchS, res.engine().name().toLowerCase(),
                            n / searchS, (double) res.distanceEvaluations() / n, (n - 1) / 2.0);
                    out.printf("  check vs brute    %7.2f s  (%d rows, %s)%n", checkS, sample.length,
                            bad == 0 ? "all identical" : bad + " rows DIFFER");
                    out.printf("  wrote %s, %s (%d x %d) and %s%n", idx, dist, n, k, coordsFile);
                    return bad == 0 ? 0 : 1;
                }
            }
        }
    }
}
