package dev.covertree.bench;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.prepare.PreparedResidual;
import dev.covertree.engine.QuerySet;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyRowWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark workloads, generated from fixed seeds: X ~ Normal(0, I_3), or for the spatial ones X uniform
 * on [0, 40]^2, and for the residual ones V (f4) and p prepared from the kernel.
 *
 * @param name      gold-32k, gold-32k-pred, local-32k, euclid-32k, vif-default, scale-N, spatial-N, spatial-gp-N
 *                  or euclid-N (N points)
 * @param n         points
 * @param metric    distance
 * @param kernel    kernel (residual only)
 * @param m         inducing points (residual only)
 * @param k         neighbours
 * @param queries   query ids 0 … queries−1, or 0 for all points
 * @param predecessor Vecchia ordering
 * @param side      0 for Normal(0, I_3) points, else the side of the square [0, side]^2 they are uniform on
 * @param kmeans    inducing points by kmeans++ (else a random sample)
 */
public record Workload(String name, int n, MetricType metric, Kernel kernel, int m, int k, int queries, boolean predecessor,
                       double side, boolean kmeans) {

    /** The side of the spatial workloads' square. */
    static final double SPATIAL_SIDE = 40;

    private Workload(String name, int n, MetricType metric, Kernel kernel, int m, int k, int queries, boolean predecessor) {
        this(name, n, metric, kernel, m, k, queries, predecessor, 0, false);
    }

    /** Looks a workload up by its name. */
    public static Workload named(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        Kernel rbf = Kernel.of(KernelType.RBF, 1, 1);
        return switch (s) {
            case "gold-32k" -> new Workload(s, 32768, MetricType.RESIDUAL, rbf, 512, 50, 1024, false);
            case "gold-32k-pred" -> new Workload(s, 32768, MetricType.RESIDUAL, rbf, 512, 50, 0, true);
            case "local-32k" -> new Workload(s, 32768, MetricType.RESIDUAL, Kernel.of(KernelType.MATERN52, 1, 0.2), 256,
                    50, 1024, false);
            case "euclid-32k" -> new Workload(s, 32768, MetricType.EUCLIDEAN, null, 0, 50, 1024, false);
            case "vif-default" -> new Workload(s, 32768, MetricType.RESIDUAL, Kernel.of(KernelType.MATERN32, 1, 0.5), 200,
                    30, 0, true);
            default -> {
                Kernel field = Kernel.of(KernelType.MATERN32, 1, 0.5);
                if (s.startsWith("scale-")) {
                    yield new Workload(s, size(s, "scale-"), MetricType.RESIDUAL, rbf, 64, 30, 0, true);
                }
                if (s.startsWith("spatial-gp-")) {
                    yield new Workload(s, size(s, "spatial-gp-"), MetricType.RESIDUAL, field, 200, 30, 0, true, SPATIAL_SIDE, true);
                }
                if (s.startsWith("spatial-")) {
                    yield new Workload(s, size(s, "spatial-"), MetricType.RESIDUAL, field, 128, 30, 0, true, SPATIAL_SIDE, false);
                }
                if (s.startsWith("euclid-") && !s.equals("euclid-32k")) {
                    yield new Workload(s, size(s, "euclid-"), MetricType.EUCLIDEAN, null, 0, 30, 0, false);
                }
                throw new IllegalArgumentException("unknown workload '" + name + "' (gold-32k, gold-32k-pred, local-32k, "
                        + "euclid-32k, vif-default, scale-N, spatial-N, spatial-gp-N, euclid-N)");
            }
        };
    }

    private static int size(String name, String prefix) {
        try {
            return Integer.parseInt(name.substring(prefix.length()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("workload '" + name + "': N after '" + prefix + "' must be a number");
        }
    }

    /** The workload's points, from seed 0. */
    private Matrix points(Arena arena) {
        return side > 0 ? RandomPoints.uniform("coords", n, 2, side, 0, arena) : RandomPoints.generate("coords", n, 3, 0, arena);
    }

    private Inducing inducing() {
        return kmeans ? Inducing.kmeansPlusPlus(m, 0) : Inducing.random(m, 0);
    }

    /** The same workload on fewer points (for quick runs): at most {@code n} queries too. */
    public Workload resized(int newN) {
        int q = queries == 0 ? 0 : Math.min(queries, newN);
        return new Workload(name + "@" + newN, newN, metric, kernel, Math.min(m, newN), k, q, predecessor, side, kmeans);
    }

    /** The queries: ids 0 … queries−1, or all points. */
    public QuerySet querySet() {
        if (queries == 0) {
            return QuerySet.allPoints(n);
        }
        long[] ids = new long[queries];
        for (int i = 0; i < queries; i++) {
            ids[i] = i;
        }
        return QuerySet.ids(ids, n, name);
    }

    /** Generates the data into {@code arena}; the returned resources are closed with it by the caller. */
    public Built build(Arena arena, int threads) {
        Matrix x = points(arena);
        if (metric == MetricType.EUCLIDEAN) {
            return new Built(Dataset.euclidean(x), List.of());
        }
        PreparedResidual r = PreparedResidual.prepare(x, kernel, inducing(), NpyDType.F4, threads);
        return new Built(r.dataset(), List.of(r));
    }

    /**
     * Like {@link #build}, but keeps the arrays as {@code .npy} files under {@code cache} and maps them on
     * later runs, so reruns do not pay for generating and preparing the data. Files are named by what
     * determines them (N, seed, kernel, m), so a changed workload never reads a stale file.
     */
    public Built cached(Path cache, Arena arena, int threads) throws IOException {
        Files.createDirectories(cache);
        String base = "n" + n + "-seed0" + (side > 0 ? "-uniform" + side : "");
        Path xf = cache.resolve("coords-" + base + ".npy");
        if (!Files.exists(xf)) {
            Matrix x = points(arena);
            NpyRowWriter.write(xf, x.segment(), NpyDType.F8, new long[] {n, x.cols()}, true);
        }
        List<AutoCloseable> owned = new ArrayList<>();
        NpyArray xa = Npy.open(xf);
        owned.add(xa);
        Matrix x = Matrix.of(xf.toString(), xa);
        if (metric == MetricType.EUCLIDEAN) {
            return new Built(Dataset.euclidean(x), owned);
        }
        String prep = base + "-" + kernel.type() + "-var" + kernel.variance() + "-ls" + kernel.lengthscale(0) + "-m" + m
                + (kmeans ? "-kmeans" : "");
        Path vf = cache.resolve("v-" + prep + ".npy");
        Path pf = cache.resolve("p-" + prep + ".npy");
        if (!Files.exists(vf) || !Files.exists(pf)) {
            try (PreparedResidual r = PreparedResidual.prepare(x, kernel, inducing(), NpyDType.F4, threads)) {
                NpyRowWriter.write(vf, r.dataset().v().segment(), NpyDType.F4, new long[] {n, m}, true);
                NpyRowWriter.write(pf, r.dataset().p().segment(), NpyDType.F8, new long[] {n}, true);
            }
        }
        NpyArray va = Npy.open(vf);
        owned.add(va);
        NpyArray pa = Npy.open(pf);
        owned.add(pa);
        return new Built(Dataset.residual(x, Matrix.of(vf.toString(), va), Matrix.of(pf.toString(), pa), kernel), owned);
    }

    /** A dataset and what owns its memory. */
    public record Built(Dataset dataset, List<AutoCloseable> owners) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            dataset.close();
            for (AutoCloseable o : owners) {
                o.close();
            }
        }
    }
}
