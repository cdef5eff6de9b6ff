package dev.covertree.bench;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.MetricType;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a NumPy or SciPy user would run instead, timed by python3 on the same cached {@code .npy} files in
 * the same run: a NumPy blocked brute force for the residual metric (one dgemm per block of queries, then
 * the kernel, the ratio and argpartition; predecessor mode as a mask) and scipy's cKDTree for the
 * Euclidean one (its build inside the timed run, as a user pays it). The script is a resource of this
 * module ({@code python_peers.py}); without python3, NumPy or SciPy the rows say so.
 */
final class PythonPeer {
    private static final Pattern SECONDS = Pattern.compile("\"seconds\": \\[([^\\]]*)\\]");

    /** Timed runs of one method: each run's seconds, and the last run's answer (ids, distances; Q x k). */
    record Result(double[] seconds, long[][] ids, double[][] distances) {
    }

    private PythonPeer() {
    }

    /** The peer's name for the workload's metric. */
    static String name(MetricType metric) {
        return switch (metric) {
            case RESIDUAL -> "numpy-blocked-brute";
            case EUCLIDEAN -> "scipy-ckdtree";
        };
    }

    /** Why the peer cannot run here, or null when python3 has what it needs. */
    static String unavailable(MetricType metric) {
        String modules = switch (metric) {
            case RESIDUAL -> "import numpy";
            case EUCLIDEAN -> "import numpy, scipy.spatial";
        };
        try {
            Process p = new ProcessBuilder("python3", "-c", modules).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "python3 cannot " + modules;
            }
            return null;
        } catch (IOException e) {
            return "python3 not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Runs the peer {@code runs} times on {@code threads} threads (OpenBLAS's for NumPy, cKDTree's workers)
     * over the workload's queries.
     */
    static Result run(Workload w, Dataset data, Path work, int threads, int runs) throws IOException, InterruptedException {
        return run(w, data, work, threads, runs, w.metric());
    }

    /**
     * As {@link #run(Workload, Dataset, Path, int, int)} with the peer of {@code metric}: {@link MetricType#EUCLIDEAN}
     * on a residual workload times cKDTree's Euclidean k-NN of the same points, the speed a spatial job is
     * measured against (not the same answer).
     */
    static Result run(Workload w, Dataset data, Path work, int threads, int runs, MetricType metric)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path script = work.resolve("python_peers.py");
        try (InputStream in = PythonPeer.class.getResourceAsStream("python_peers.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path ids = work.resolve("peer-ids.npy");
        Path dist = work.resolve("peer-distances.npy");
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(),
                metric == MetricType.RESIDUAL ? "numpy-brute" : "ckdtree", "--coords", data.coords().name(),
                "--k", Integer.toString(w.k()), "--queries", Integer.toString(w.queries()),
                "--threads", Integer.toString(threads), "--runs", Integer.toString(runs),
                "--out-ids", ids.toString(), "--out-distances", dist.toString()));
        if (metric == MetricType.RESIDUAL) {
            cmd.addAll(List.of("--v", data.v().name(), "--p", data.p().name(),
                    "--kernel", w.kernel().type().name().toLowerCase(Locale.ROOT),
                    "--variance", Double.toString(w.kernel().variance()),
                    "--lengthscale", Double.toString(w.kernel().lengthscale(0))));
        }
        if (w.predecessor() && metric == MetricType.RESIDUAL) {
            cmd.add("--predecessor");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("python3 " + script + " failed (exit " + p.exitValue() + ")");
        }
        Matcher m = SECONDS.matcher(out);
        if (!m.find()) {
            throw new IOException("python3 " + script + " printed no timings: " + out);
        }
        String[] parts = m.group(1).split(",");
        double[] seconds = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            seconds[i] = Double.parseDouble(parts[i].trim());
        }
        try (NpyArray ia = Npy.open(ids); NpyArray da = Npy.open(dist)) {
            int q = (int) ia.shape()[0];
            int k = (int) ia.shape()[1];
            long[][] outIds = new long[q][k];
            double[][] outDist = new double[q][k];
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < k; j++) {
                    outIds[i][j] = ia.segment().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * k + j);
                    outDist[i][j] = da.segment().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, (long) i * k + j);
                }
            }
            return new Result(seconds, outIds, outDist);
        }
    }
}
