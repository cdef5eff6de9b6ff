package dev.covertree.cli;

import dev.covertree.engine.GaussianPoints;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covertree generate}: the coordinates of SPEC section 7's workloads, from a seed. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write N points ~ Normal(0, I_d) as float64 .npy (the coordinates of SPEC section 7's "
                + "workloads; 'prepare' makes V and p for them). Java's SplittableRandom: the same seed gives the same "
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
        run.checkOutput(out, "--out");
        Telemetry.Phase phase = run.telemetry().phase("generate");
        try (NpyMappedFile f = NpyMappedFile.create(out, NpyDType.F8, new long[] {n, d}, run.force)) {
            GaussianPoints.fill(f.data(), n * d, seed);
            f.commit();
        }
        double s = phase.count("n", n).count("d", d).end();
        spec.commandLine().getOut().printf("generate: %d x %d points, seed %d, %.2f s; wrote %s%n", n, d, seed, s, out);
        return 0;
    }
}
