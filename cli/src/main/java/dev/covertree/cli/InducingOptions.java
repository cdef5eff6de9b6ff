package dev.covertree.cli;

import dev.covertree.engine.prepare.Inducing;
import dev.covertree.npy.NpyDType;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How V and p are made when they are not given: inducing points, seed, storage dtype. */
final class InducingOptions {
    @Option(names = "--inducing", paramLabel = "M", defaultValue = "256",
            description = "Number of inducing points m (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--inducing-method", paramLabel = "HOW", defaultValue = "random",
            description = "random (seeded uniform sample of ids) or kmeans++ (seeded D^2 sampling) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the inducing choice (Java's SplittableRandom: NumPy's choices cannot be reproduced; "
                    + "pass them with --inducing-ids) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--inducing-ids", paramLabel = "IDS.npy",
            description = "The inducing points as dataset ids (int64 or int32, 1-d), instead of choosing them.")
    Path ids;

    @Option(names = "--v-dtype", paramLabel = "f4|f8", defaultValue = "f4",
            description = "How V is stored: f4 halves the memory, arithmetic is float64 either way (default: ${DEFAULT-VALUE}).")
    String vDtype;

    boolean idsGiven() {
        return ids != null;
    }

    Inducing toInducing() throws IOException {
        if (ids != null) {
            return Inducing.ids(Inputs.readIds(ids, "--inducing-ids"));
        }
        return switch (method.toLowerCase()) {
            case "random" -> Inducing.random(count, seed);
            case "kmeans++" -> Inducing.kmeansPlusPlus(count, seed);
            default -> throw new UsageException("--inducing-method must be random or kmeans++, got '" + method + "'");
        };
    }

    NpyDType vType() {
        return switch (vDtype.toLowerCase()) {
            case "f4" -> NpyDType.F4;
            case "f8" -> NpyDType.F8;
            default -> throw new UsageException("--v-dtype must be f4 or f8, got '" + vDtype + "'");
        };
    }
}
