package dev.covertree.bench;

import dev.covertree.cli.Progress;
import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * Runs every engine and peer on a workload, in this JVM, on the same data and the same distance code,
 * and records what a user compares them by. Ground truth is the engine's one-at-a-time brute force.
 */
final class Comparison {
    /** One measured line of the results table. */
    record Row(String workload, String engine, int threads, double buildSeconds, double minSeconds,
               double medianSeconds, long queries, double distancesPerQuery, double recall, double indexHeapMb,
               double indexOffHeapMb, double allocPerQuery, double peakRssMb, double otherLoad, String note) {
        double qps() {
            return queries / minSeconds;
        }
    }

    private final int runs;
    private final PrintWriter log;
    private final List<Engine> engines;

    Comparison(int runs, PrintWriter log, List<Engine> engines) {
        this.runs = runs;
        this.log = log;
        this.engines = engines;
    }

    List<Row> run(Workload w, boolean peers) throws Exception {
        return run(w, peers, null);
    }

    /** Runs one workload; with a cache folder, the data is read from (or first written to) .npy files there. */
    List<Row> run(Workload w, boolean peers, Path cache) throws Exception {
        List<Row> rows = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        try (Arena arena = Arena.ofShared();
             Workload.Built built = cache == null ? w.build(arena, cores) : w.cached(cache, arena, cores)) {
            Dataset data = built.dataset();
            QuerySet qs = w.querySet();
            KnnOptions base = KnnOptions.of(w.k()).withPredecessor(w.predecessor());
            log.printf("%s: N = %d, %d queries, k = %d%n", w.name(), w.n(), qs.size(), w.k());
            log.flush();
            try (KnnResult truth = bruteForceAnswers(w, data, qs, base, cores)) {
                for (Engine e : engines) {
                    long h0 = heapUsed();
                    long t0 = System.nanoTime();
                    // the plan builds whatever tree the engine needs (AUTO: measures first), timed as the build
                    EnginePlan plan = EnginePlan.of(Metric.of(data), qs, base.withEngine(e).withThreads(cores), ScratchSpace.auto());
                    double build = (System.nanoTime() - t0) / 1e9;
                    double heapMb = Math.max(0, heapUsed() - h0) / 1e6;
                    double offHeapMb = (plan.tree() != null ? plan.tree().byteSize()
                            : plan.boundsTree() != null ? plan.boundsTree().byteSize() : 0) / 1e6;
                    try (plan) {
                        for (int threads : new int[] {1, cores}) {
                            String label = "covertree-" + e + (e == Engine.AUTO ? "(" + plan.engine() + ")" : "");
                            rows.add(measure(w, label, threads, build, heapMb,
                                    offHeapMb, qs, () -> {
                                        KnnResult r = Knn.search(Metric.of(data), qs, base.withEngine(e).withThreads(threads), plan);
                                        return new Done(r.distanceEvaluations(), () -> recall(truth, r), r);
                                    }));
                        }
                    }
                }
                if (peers) {
                    rows.addAll(pythonRows(w, data, qs, cache, truth));
                }
                for (Peer p : Peer.all()) {
                    if (!peers) {
                        continue;
                    }
                    String why = !p.supports(w.metric()) ? "needs coordinates (Euclidean only)"
                            : w.predecessor() ? "has no predecessor mode" : !qs.byId() ? "" : null;
                    if (why != null && !why.isEmpty()) {
                        rows.add(new Row(w.name(), p.name, 0, Double.NaN, Double.NaN, Double.NaN, qs.size(), Double.NaN,
                                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "n/a: " + why));
                        continue;
                    }
                    long h0 = heapUsed();
                    long t0 = System.nanoTime();
                    p.build(data);
                    double build = (System.nanoTime() - t0) / 1e9;
                    double heapMb = Math.max(0, heapUsed() - h0) / 1e6;
                    for (int threads : new int[] {1, cores}) {
                        rows.add(measure(w, p.name, threads, build, heapMb, 0, qs, () -> runPeer(p, qs, w.k(),
                                threads, truth)));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Every query's brute-force answer, for the recall columns: quadratic in N, the longest phase of a large
     * workload, so it shows its progress on the log (a line every few seconds once it has run that long).
     */
    private KnnResult bruteForceAnswers(Workload w, Dataset data, QuerySet qs, KnnOptions base, int cores) {
        KnnOptions scan = base.withEngine(Engine.SCAN).withThreads(cores);
        try (Progress progress = new Progress(log, w.name() + ": brute-force answers for recall", qs.size(), false);
             EnginePlan plan = EnginePlan.of(Metric.of(data), qs, scan, ScratchSpace.auto())) {
            return Knn.search(Metric.of(data), qs, scan, plan, progress, null, null);
        }
    }

    /**
     * The rows of what a NumPy or SciPy user would run instead ({@link PythonPeer}), on 1 thread and all
     * cores; only where the workload's arrays are cached files python3 can read.
     */
    private List<Row> pythonRows(Workload w, Dataset data, QuerySet qs, Path cache, KnnResult truth) throws Exception {
        String name = PythonPeer.name(w.metric());
        String why = cache == null ? "needs the workload cached as .npy files" : PythonPeer.unavailable(w.metric());
        if (why == null && w.metric() == MetricType.EUCLIDEAN && w.predecessor()) {
            why = "has no predecessor mode";
        }
        if (why != null) {
            return List.of(new Row(w.name(), name, 0, Double.NaN, Double.NaN, Double.NaN, qs.size(), Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "n/a: " + why));
        }
        List<Row> out = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads : new int[] {1, cores}) {
            PythonPeer.Result r = PythonPeer.run(w, data, cache.resolve("python"), threads, runs);
            double[] sorted = r.seconds().clone();
            Arrays.sort(sorted);
            double hits = 0;
            for (int i = 0; i < r.ids().length; i++) {
                hits += hits(truth, i, r.ids()[i], r.distances()[i]);
            }
            double recall = hits / ((double) r.ids().length * w.k());
            out.add(new Row(w.name(), name, threads, Double.NaN, sorted[0], sorted[sorted.length / 2], qs.size(),
                    w.metric() == MetricType.RESIDUAL ? (w.predecessor() ? (w.n() - 1) / 2.0 : w.n()) : Double.NaN,
                    recall, Double.NaN, Double.NaN, Double.NaN, Double.NaN, otherLoad(),
                    w.metric() == MetricType.EUCLIDEAN ? "tree build inside the timed run" : "python3, same files"));
            log.printf("  %-22s %2d thr  query min %8.3f s  recall %.4f%n", name, threads, sorted[0], recall);
            log.flush();
        }
        if (w.metric() == MetricType.RESIDUAL && w.side() > 0 && PythonPeer.unavailable(MetricType.EUCLIDEAN) == null) {
            out.addAll(euclideanPaceRows(w, data, qs, cache));
        }
        return out;
    }

    /**
     * For a spatial residual workload: scipy's cKDTree Euclidean k-NN of the same points (build + query, all
     * cores), the speed a GP user's plain neighbour search has; a different answer, so no recall.
     */
    private List<Row> euclideanPaceRows(Workload w, Dataset data, QuerySet qs, Path cache) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        PythonPeer.Result r = PythonPeer.run(w, data, cache.resolve("python"), cores, runs, MetricType.EUCLIDEAN);
        double[] sorted = r.seconds().clone();
        Arrays.sort(sorted);
        log.printf("  %-22s %2d thr  query min %8.3f s  (Euclidean, same points)%n", "scipy-ckdtree-euclidean", cores,
                sorted[0]);
        log.flush();
        return List.of(new Row(w.name(), "scipy-ckdtree-euclidean", cores, Double.NaN, sorted[0], sorted[sorted.length / 2],
                qs.size(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, otherLoad(),
                "Euclidean k-NN of the same points, build inside the timed run: the pace to compare, not the same answer"));
    }

    /** A finished timed run: its distance count, its recall (computed after the clock stops), what to free. */
    record Done(long distances, DoubleSupplier recall, AutoCloseable resource) {
    }

    interface Job {
        Done run() throws Exception;
    }

    private Row measure(Workload w, String engine, int threads, double build, double heapMb, double offHeapMb,
                        QuerySet qs, Job job) throws Exception {
        var threadBean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (AutoCloseable warm = job.run().resource()) {
            // warm-up
        }
        double[] secs = new double[runs];
        double alloc = Double.NaN;
        double other = 0;
        long distances = 0;
        double recall = 0;
        for (int r = 0; r < runs; r++) {
            long a0 = threadBean.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            Done done = job.run();
            secs[r] = (System.nanoTime() - t0) / 1e9;
            if (threads == 1) {
                alloc = (threadBean.getCurrentThreadAllocatedBytes() - a0) / (double) qs.size();
            }
            other = Math.max(other, otherLoad());
            try (AutoCloseable res = done.resource()) {
                distances = done.distances();
                recall = done.recall().getAsDouble();
            }
        }
        double[] sorted = secs.clone();
        Arrays.sort(sorted);
        Row row = new Row(w.name(), engine, threads, build, sorted[0], sorted[runs / 2], qs.size(),
                distances < 0 ? Double.NaN : (double) distances / qs.size(), recall, heapMb, offHeapMb, alloc, peakRssMb(),
                other, other > 0.25 ? "measured under load" : "");
        log.printf("  %-22s %2d thr  build %8.3f s  query min %8.3f s  recall %.4f%n", engine, threads, build, sorted[0],
                recall);
        log.flush();
        return row;
    }

    private static Done runPeer(Peer p, QuerySet qs, int k, int threads, KnnResult truth) throws InterruptedException {
        p.distances.reset();
        int q = (int) qs.size();
        long[][] ids = new long[q][k];
        double[][] dist = new double[q][k];
        AtomicInteger next = new AtomicInteger();
        Thread[] pool = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            pool[t] = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < q; i = next.getAndIncrement()) {
                    p.search(i, k, ids[i], dist[i]);
                }
            });
            pool[t].start();
        }
        for (Thread t : pool) {
            t.join();
        }
        long counted = p.countsDistances() ? p.distances.sum() : -1;
        return new Done(counted, () -> {
            double hits = 0;
            for (int i = 0; i < q; i++) {
                hits += hits(truth, i, ids[i], dist[i]);
            }
            return hits / ((double) q * k);
        }, () -> { });
    }

    /** Recall@k against the truth; an id tied with the k-th true distance counts as correct. */
    private static double recall(KnnResult truth, KnnResult r) {
        double hits = 0;
        long[] ids = new long[r.k()];
        double[] dist = new double[r.k()];
        for (long q = 0; q < r.queries(); q++) {
            for (int j = 0; j < r.k(); j++) {
                ids[j] = r.index(q, j);
                dist[j] = r.distance(q, j);
            }
            hits += hits(truth, q, ids, dist);
        }
        return hits / ((double) r.queries() * r.k());
    }

    private static int hits(KnnResult truth, long q, long[] ids, double[] dist) {
        int k = truth.k();
        Set<Long> want = new HashSet<>();
        double kth = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            want.add(truth.index(q, j));
            kth = Math.max(kth, truth.distance(q, j));
        }
        int h = 0;
        for (int j = 0; j < k; j++) {
            if (want.contains(ids[j]) || dist[j] <= kth * (1 + 1e-12)) {
                h++;
            }
        }
        return h;
    }

    private static long heapUsed() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The process's resident-set high-water mark (VmHWM), MB; NaN where /proc is absent. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /** The share of the machine's CPU used by other processes just now (0 to 1). */
    static double otherLoad() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double all = os.getCpuLoad();
        double mine = os.getProcessCpuLoad();
        return all < 0 || mine < 0 ? 0 : Math.max(0, all - mine);
    }
}
