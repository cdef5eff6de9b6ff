package dev.covertree.cli;

import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.prepare.ResidualModel;
import dev.covertree.npy.NpyDType;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How V and p are made when they are not given: inducing points, seed, storage dtype. */
final class InducingOptions {
    /** The options below are null when not given, so that a model bundle's own values are not contradicted. */
    @Option(names = "--inducing", paramLabel = "M", description = "Number of inducing points m (default: 256).")
    Integer count;

    @Option(names = "--inducing-method", paramLabel = "HOW",
            description = "random (seeded uniform sample of ids) or kmeans++ (seeded D^2 sampling) (default: random).")
    String method;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the inducing choice and of 'knn --order random' (Java's SplittableRandom: NumPy's "
                    + "choices cannot be reproduced; pass them with --inducing-ids) (default: 0).")
    Long seed;

    @Option(names = "--inducing-ids", paramLabel = "IDS.npy",
            description = "The inducing points as dataset ids (int64 or int32, 1-d), instead of choosing them.")
    Path ids;

    @Option(names = "--v-dtype", paramLabel = "f4|f8",
            description = "How V is stored: f4 halves the memory, arithmetic is float64 either way (default: f4).")
    String vDtype;

    /** The seed the inducing choice uses. */
    long seed() {
        return seed == null ? 0 : seed;
    }

    /** A usage error for each option given that contradicts the model bundle {@code model}. */
    void checkAgainst(ResidualModel model, String source) {
        if (ids != null || method != null) {
            throw new UsageException((ids != null ? "--inducing-ids" : "--inducing-method") + " cannot be used with --model "
                    + source + ": the bundle fixes the inducing points");
        }
        if (count != null && count != model.v().cols()) {
            throw KernelOptions.contradiction("--inducing " + count, source, "m = " + model.v().cols());
        }
        if (vDtype != null && vType() != model.v().dtype()) {
            throw KernelOptions.contradiction("--v-dtype " + vDtype, source, "V stored as " + model.v().dtype().code());
        }
    }

    boolean idsGiven() {
        return ids != null;
    }

    Inducing toInducing() throws IOException {
        if (ids != null) {
            return Inducing.ids(Inputs.readIds(ids, "--inducing-ids"));
        }
        int m = count == null ? 256 : count;
        if (m < 1) {
            throw new UsageException("--inducing must be >= 1, got " + m);
        }
        return switch ((method == null ? "random" : method).toLowerCase()) {
            case "random" -> Inducing.random(m, seed());
            case "kmeans++" -> Inducing.kmeansPlusPlus(m, seed());
            default -> throw new UsageException("--inducing-method must be random or kmeans++, got '" + method + "'");
        };
    }

    NpyDType vType() {
        return switch ((vDtype == null ? "f4" : vDtype).toLowerCase()) {
            case "f4" -> NpyDType.F4;
            case "f8" -> NpyDType.F8;
            default -> throw new UsageException("--v-dtype must be f4 or f8, got '" + vDtype + "'");
        };
    }
}
