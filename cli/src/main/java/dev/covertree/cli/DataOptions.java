package dev.covertree.cli;

import dev.covertree.engine.MetricType;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dataset: coordinates, metric, and for the residual metric V and p or how to make them. */
final class DataOptions {
    @Option(names = "--coords", required = true, paramLabel = "X.npy",
            description = "Point coordinates, N x d, f4 or f8.")
    Path coords;

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "residual",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    MetricType metric;

    @Option(names = "--v", paramLabel = "V.npy",
            description = "V, N x m, f4 or f8 (with --p). Without them, V and p are prepared from the kernel.")
    Path v;

    @Option(names = "--p", paramLabel = "P.npy", description = "p, N residual variances, each > 0 (with --v).")
    Path p;

    @Option(names = "--model", paramLabel = "M.npz",
            description = "A model bundle from 'prepare --out-model': V, p, the kernel settings and the inducing points, "
                    + "checked against --coords. Kernel and inducing flags may then be left out; given, they must agree.")
    Path model;

    @Mixin
    KernelOptions kernel = new KernelOptions();

    @Mixin
    InducingOptions inducing = new InducingOptions();

    MetricType metricType() {
        return metric;
    }

    /** The files these options read, for {@link RunOptions#checkOutputs}. */
    List<RunOptions.FileArg> inputs() {
        return List.of(new RunOptions.FileArg("--coords", coords), new RunOptions.FileArg("--v", v),
                new RunOptions.FileArg("--p", p), new RunOptions.FileArg("--inducing-ids", inducing.ids),
                new RunOptions.FileArg("--model", model));
    }
}
