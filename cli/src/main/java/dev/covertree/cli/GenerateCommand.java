package dev.covertree.cli;

import dev.covertree.engine.RandomPoints;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covertree generate}: the coordinates of the benchmark workloads, from a seed. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write N points ~ Normal(0, I_d), or uniform on [0, L]^d with --uniform L, as float64 .npy "
                + "(the coordinates of the benchmark workloads: spatial-N is --d 2 --uniform 40; 'prepare' makes V and "
                + "p for them). Java's SplittableRandom: the same seed gives the same "
                + "points on every machine, not NumPy's. Written straight into a memory-mapped file, so N may exceed memory."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error"})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--n", required = true, paramLabel = "N", description = "Number of points.")
    long n;

    @Option(names = "--d", paramLabel = "D", defaultValue = "3", description = "Dimension (default: ${DEFAULT-VALUE}).")
    int d;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--uniform", paramLabel = "L",
            description = "Uniform on [0, L]^d instead of standard normal (L > 0).")
    Double uniform;

    @Option(names = "--out", required = true, paramLabel = "X.npy", description = "Output file.")
    Path out;

    @Mixin
    RunOptions run = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (n < 1 || d < 1) {
            throw new UsageException("--n and --d must be >= 1");
        }
        if (uniform != null && !(uniform > 0 && Double.isFinite(uniform))) {
            throw new UsageException("--uniform must be finite and > 0, got " + uniform);
        }
        run.checkOutputs(List.of(new RunOptions.FileArg("--out", out)), List.of());
        Telemetry.Phase phase = run.telemetry().phase("generate");
        try (NpyMappedFile f = NpyMappedFile.create(out, NpyDType.F8, new long[] {n, d}, run.force)) {
            if (uniform != null) {
                RandomPoints.fillUniform(f.data(), n * d, uniform, seed);
            } else {
                RandomPoints.fill(f.data(), n * d, seed);
            }
            f.commit();
        }
        double s = phase.count("n", n).count("d", d).end();
        run.out(spec).printf("generate: %d x %d points, seed %d, %.2f s; wrote %s%n", n, d, seed, s, out);
        return 0;
    }
}
