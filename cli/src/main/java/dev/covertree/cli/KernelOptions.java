package dev.covertree.cli;

import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** {@code --kernel --variance --lengthscale}. */
final class KernelOptions {
    @Option(names = "--kernel", paramLabel = "NAME",
            description = "Covariance kernel: ${COMPLETION-CANDIDATES} (needed by the residual metric).")
    KernelType kernel;

    @Option(names = "--variance", paramLabel = "S2", defaultValue = "1.0",
            description = "Kernel variance sigma^2 > 0 (default: ${DEFAULT-VALUE}).")
    double variance;

    @Option(names = "--lengthscale", paramLabel = "L[,L2...]", defaultValue = "1.0", split = ",",
            description = "Lengthscale > 0: one value, or one per dimension (default: ${DEFAULT-VALUE}).")
    double[] lengthscale;

    Kernel toKernel() {
        if (kernel == null) {
            throw new UsageException("--kernel is required for the residual metric (rbf, matern12, matern32, matern52)");
        }
        try {
            return new Kernel(kernel, variance, lengthscale);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + " (--kernel/--variance/--lengthscale "
                    + kernel + " " + variance + " " + Arrays.toString(lengthscale) + ")");
        }
    }
}
