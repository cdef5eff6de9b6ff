package dev.covertree.cli;

import dev.covertree.engine.Matrix;
import dev.covertree.engine.prepare.ResidualBasis;
import dev.covertree.engine.prepare.ResidualModel;
import dev.covertree.npy.AccessHint;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import dev.covertree.npy.NpyReadOptions;
import dev.covertree.npy.NpyRowWriter;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--out-model", paramLabel = "M.npz",
            description = "Output: a model bundle (V, p, the kernel settings, the inducing ids and coordinates, the seed) "
                    + "for 'knn --model', so that no setting is retyped; np.load reads it.")
    Path outModel;

    @Option(names = "--out-v", paramLabel = "V.npy", description = "Output: V, N x m (with --out-p; or use --out-model).")
    Path outV;

    @Option(names = "--out-p", paramLabel = "P.npy", description = "Output: p, N, float64 (with --out-v).")
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
        if ((outV == null) != (outP == null) || (outV == null && outModel == null)) {
            throw new UsageException("give --out-model, or --out-v with --out-p, or all three");
        }
        run.checkOutputs(List.of(new RunOptions.FileArg("--out-model", outModel), new RunOptions.FileArg("--out-v", outV),
                        new RunOptions.FileArg("--out-p", outP), new RunOptions.FileArg("--out-inducing", outInducing)),
                List.of(new RunOptions.FileArg("--coords", coords), new RunOptions.FileArg("--inducing-ids", inducing.ids)));
        NpyDType vType = inducing.vType();
        var k = kernel.toKernel();
        int threads = run.threads();
        Telemetry tel = run.telemetry();
        PrintWriter out = run.out(spec);
        try (ArrayFile x = ArrayFile.open(coords, NpyReadOptions.DEFAULT.withHint(AccessHint.SEQUENTIAL))) {
            Matrix xm = Matrix.of(x.name(), x.array());
            Telemetry.Phase phase = tel.phase("prepare");
            // without --out-v/--out-p, V and p live in files beside the bundle that are never committed
            Path vFile = outV != null ? outV : outModel.resolveSibling("." + outModel.getFileName() + ".V.npy");
            Path pFile = outP != null ? outP : outModel.resolveSibling("." + outModel.getFileName() + ".p.npy");
            try (ResidualBasis basis = ResidualBasis.build(k, xm, inducing.toInducing());
                 NpyMappedFile v = NpyMappedFile.create(vFile, vType, new long[] {xm.rows(), basis.inducing()}, run.force);
                 NpyMappedFile p = NpyMappedFile.create(pFile, NpyDType.F8, new long[] {xm.rows()}, run.force);
                 Progress progress = new Progress(spec.commandLine().getErr(), "prepare", xm.rows(), run.quiet)) {
                basis.compute(xm, v.data(), vType, p.data(), threads, progress);
                progress.close();
                long[] ids = basis.inducingIds();
                if (outModel != null) {
                    ResidualModel.write(outModel, run.force, k, new Matrix(outModel + ":V", v.data(), vType, xm.rows(), ids.length),
                            new Matrix(outModel + ":p", p.data(), NpyDType.F8, xm.rows(), 1), ids, xm,
                            inducing.idsGiven() ? 0 : inducing.seed());
                }
                if (outV != null) {
                    v.commit();
                    p.commit();
                }
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
                if (outModel != null) {
                    out.printf("  wrote the model bundle %s%n", outModel);
                }
                if (outV != null) {
                    out.printf("  wrote %s (%s), %s (f8)%n", outV, vType.code(), outP);
                }
                if (outInducing != null) {
                    out.printf("  wrote %s%n", outInducing);
                }
            }
        }
        return 0;
    }
}
