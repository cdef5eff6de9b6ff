package dev.covertree.cli;

import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** {@code --kernel --variance --lengthscale}. */
final class KernelOptions {
    @Option(names = "--kernel", paramLabel = "NAME",
            description = "Covariance kernel: ${COMPLETION-CANDIDATES}; required wherever V and p are made or used.")
    KernelType kernel;

    /** Null when not given: the default is 1, and a model bundle's own value must not be contradicted. */
    @Option(names = "--variance", paramLabel = "S2", description = "Kernel variance sigma^2 > 0 (default: 1.0).")
    Double variance;

    @Option(names = "--lengthscale", paramLabel = "L[,L2,...]",
            description = "Lengthscale > 0: one value, or one per dimension separated by commas (default: 1.0).")
    String lengthscale;

    /** The lengthscale values; the option is given once, a comma-separated list for one per dimension. */
    double[] lengthscales() {
        String text = lengthscale == null ? "1.0" : lengthscale;
        String[] parts = text.split(",", -1);
        double[] l = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                l[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--lengthscale: '" + parts[i] + "' in '" + text + "' is not a number");
            }
        }
        return l;
    }

    Kernel toKernel() {
        if (kernel == null) {
            throw new UsageException("--kernel is required to make or use V and p (rbf, matern12, matern32, matern52)");
        }
        double[] l = lengthscales();
        double s2 = variance == null ? 1.0 : variance;
        try {
            return new Kernel(kernel, s2, l);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + " (--kernel/--variance/--lengthscale "
                    + kernel + " " + s2 + " " + Arrays.toString(l) + ")");
        }
    }

    /** A usage error for each kernel flag given that contradicts {@code k}, the kernel of {@code source}. */
    void checkAgainst(Kernel k, String source) {
        if (kernel != null && kernel != k.type()) {
            throw contradiction("--kernel " + kernel, source, "kernel " + k.type());
        }
        if (variance != null && variance != k.variance()) {
            throw contradiction("--variance " + variance, source, "variance " + k.variance());
        }
        if (lengthscale != null && !Arrays.equals(lengthscales(), k.lengthscale())) {
            throw contradiction("--lengthscale " + lengthscale, source, "lengthscale " + Arrays.toString(k.lengthscale()));
        }
    }

    static UsageException contradiction(String flag, String source, String what) {
        return new UsageException(flag + " contradicts the model bundle " + source + ", made with " + what
                + " (leave the flag out: the bundle carries its settings)");
    }
}
