package dev.covertree.cli;

import dev.covertree.engine.MetricType;
import java.nio.file.Path;
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

    @Mixin
    KernelOptions kernel = new KernelOptions();

    @Mixin
    InducingOptions inducing = new InducingOptions();

    MetricType metricType() {
        return metric;
    }
}
