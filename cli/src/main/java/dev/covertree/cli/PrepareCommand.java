package dev.covertree.cli;

import dev.covertree.engine.Matrix;
import dev.covertree.engine.prepare.ResidualBasis;
import dev.covertree.npy.AccessHint;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import dev.covertree.npy.NpyReadOptions;
import dev.covertree.npy.NpyRowWriter;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covertree prepare}: V and p from coordinates and a kernel. */
@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make the residual-metric inputs from coordinates and a kernel: choose m inducing points U, "
                + "L = chol(k(U,U) + 1e-6 sigma^2 I), V = (L^-1 k(U,X))^T, p = max(sigma^2 - |V_i|^2, 1e-9), all in "
                + "float64 (OpenBLAS/LAPACKE when installed). V is written block by block into a memory-mapped file, "
                + "so it may be larger than memory."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:bad input data"})
final class PrepareCommand implements Callable<Integer> {
    @Option(names = "--coords", required = true, paramLabel = "X.npy", description = "Point coordinates, N x d.")
    Path coords;

    @Mixin
    KernelOptions kernel = new KernelOptions();

    @Mixin
    InducingOptions inducing = new InducingOptions();

    @Option(names = "--out-v", required = true, paramLabel = "V.npy", description = "Output: V, N x m.")
    Path outV;

    @Option(names = "--out-p", required = true, paramLabel = "P.npy", description = "Output: p, N, float64.")
    Path outP;

    @Option(names = "--out-inducing", paramLabel = "IDS.npy",
            description = "Output: the inducing ids (int64), for 'knn --query-coords --inducing-ids'.")
    Path outInducing;

    @Mixin
    RunOptions run = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        run.checkOutput(outV, "--out-v");
        run.checkOutput(outP, "--out-p");
        run.checkOutput(outInducing, "--out-inducing");
        NpyDType vType = inducing.vType();
        var k = kernel.toKernel();
        int threads = run.threads();
        Telemetry tel = run.telemetry();
        PrintWriter out = spec.commandLine().getOut();
        try (NpyArray x = Npy.open(coords, null, NpyReadOptions.DEFAULT.withHint(AccessHint.SEQUENTIAL))) {
            Matrix xm = Matrix.of(coords.toString(), x);
            Telemetry.Phase phase = tel.phase("prepare");
            try (ResidualBasis basis = ResidualBasis.build(k, xm, inducing.toInducing());
                 NpyMappedFile v = NpyMappedFile.create(outV, vType, new long[] {xm.rows(), basis.inducing()}, run.force);
                 NpyMappedFile p = NpyMappedFile.create(outP, NpyDType.F8, new long[] {xm.rows()}, run.force);
                 Progress progress = new Progress(spec.commandLine().getErr(), "prepare", xm.rows(), run.quiet)) {
                basis.compute(xm, v.data(), vType, p.data(), threads, progress);
                progress.close();
                v.commit();
                p.commit();
                long[] ids = basis.inducingIds();
                if (outInducing != null) {
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment s = a.allocate(ValueLayout.JAVA_LONG, ids.length);
                        MemorySegment.copy(ids, 0, s, ValueLayout.JAVA_LONG, 0, ids.length);
                        NpyRowWriter.write(outInducing, s, NpyDType.I8, new long[] {ids.length}, run.force);
                    }
                }
                long n = xm.rows();
                int m = basis.inducing();
                double s = phase.count("n", n).count("m", m).count("backend", basis.backend()).end();
                double gflops = (double) n * m * m / s / 1e9;
                out.printf("prepare: N = %d, d = %d, m = %d, %s; %.2f s (%s, %.1f GFLOP/s in the solve's n m^2)%n", n,
                        xm.cols(), m, k, s, basis.backend(), gflops);
                out.printf("  wrote %s (%s), %s (f8)%s%n", outV, vType.code(), outP,
                        outInducing == null ? "" : ", " + outInducing);
            }
        }
        return 0;
    }
}
