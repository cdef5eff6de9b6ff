package dev.covertree.bench;

import dev.covertree.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code covertree bench}: our engines against the libraries users would pick instead, side by side, on
 * the benchmark workloads, in one JVM. Writes {@code results.md}, {@code results.csv} and
 * {@code recall-qps.png}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the engines (tree, blocked brute force, one-at-a-time scan) with Smile's cover tree, "
                + "KD-tree and linear search on the benchmark workloads: build time, query time (min and median of the timed "
                + "runs, 1 thread and all cores), queries/s, distances per query, recall@k against brute force, index "
                + "memory, allocation per query, peak RSS, and CPU used by other processes (rows where they took over a quarter of the machine are marked). "
                + "Peers get the engine's own distance code over integer ids, so every engine sees identical distances. "
                + "The recall needs every query's brute-force answer first, which takes time quadratic in N (about a minute and a half "
                + "for spatial-65536 on 2 cores, sixteen times that at four times N; its progress is shown); for the "
                + "spatial job at larger N, bench/spatial_floor.sh times the whole process against cKDTree instead."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error"})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--workload", paramLabel = "NAME", split = ",",
            description = "gold-32k, gold-32k-pred, local-32k, euclid-32k, vif-default, scale-N, spatial-N, spatial-gp-N, "
                    + "euclid-N (default: euclid-32k, "
                    + "local-32k, gold-32k).")
    List<String> workloads = new ArrayList<>(List.of("euclid-32k", "local-32k", "gold-32k"));

    @Option(names = "--quick", description = "Every workload on 4096 points: a few minutes in all.")
    boolean quick;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "3",
            description = "Timed runs per measurement after one warm-up, >= 3 (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--no-peers", description = "Only this project's engines.")
    boolean noPeers;

    @Option(names = "--engines", paramLabel = "NAME", split = ",",
            description = "This project's engines to run: ${COMPLETION-CANDIDATES}; auto is what AUTO picks for the workload "
                    + "(default: tree, bounds, brute, scan).")
    List<Engine> engines = new ArrayList<>(List.of(Engine.TREE, Engine.BOUNDS, Engine.BRUTE, Engine.SCAN));

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", defaultValue = "bench-cache",
            description = "Where generated workloads are kept as .npy and mapped on later runs (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--plot-scale", paramLabel = "scale.csv",
            description = "Only draw scaling.png (search time against N) from bench/scale.sh's CSV into --out.")
    Path plotScale;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (plotScale != null) {
            Files.createDirectories(out);
            Charts.scaling(plotScale, out.resolve("scaling.png"));
            spec.commandLine().getOut().printf("wrote %s%n", out.resolve("scaling.png"));
            return 0;
        }
        if (runs < 3) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be >= 3, got " + runs);
        }
        List<Workload> ws = new ArrayList<>();
        for (String name : workloads) {
            try {
                Workload w = Workload.named(name);
                ws.add(quick ? w.resized(4096) : w);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--workload: " + e.getMessage());
            }
        }
        Files.createDirectories(out);
        PrintWriter log = spec.commandLine().getErr();
        Comparison c = new Comparison(runs, log, engines);
        List<Comparison.Row> rows = new ArrayList<>();
        for (Workload w : ws) {
            rows.addAll(c.run(w, !noPeers, cache));
        }
        String command = "./covertree " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        Files.writeString(out.resolve("results.csv"), csv(rows));
        Files.writeString(out.resolve("results.md"), markdown(rows, command));
        Charts.recallVsQps(rows, Runtime.getRuntime().availableProcessors(), out.resolve("recall-qps.png"));
        spec.commandLine().getOut().printf("%s%nwrote %s, %s and %s%n", markdown(rows, command), out.resolve("results.md"),
                out.resolve("results.csv"), out.resolve("recall-qps.png"));
        return 0;
    }

    static String csv(List<Comparison.Row> rows) {
        StringBuilder sb = new StringBuilder("workload,engine,threads,build_s,query_min_s,query_median_s,queries,qps,"
                + "distances_per_query,recall,index_heap_mb,index_offheap_mb,alloc_bytes_per_query,peak_rss_mb,other_load,note\n");
        for (Comparison.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%.4f,%.4f,%d,%.1f,%.1f,%.5f,%.1f,%.1f,%.1f,%.0f,%.2f,%s%n",
                    r.workload(), r.engine(), r.threads(), r.buildSeconds(), r.minSeconds(), r.medianSeconds(), r.queries(),
                    r.qps(), r.distancesPerQuery(), r.recall(), r.indexHeapMb(), r.indexOffHeapMb(), r.allocPerQuery(),
                    r.peakRssMb(), r.otherLoad(), r.note()));
        }
        return sb.toString();
    }

    static String markdown(List<Comparison.Row> rows, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Command: `%s` (%s, %d cores)%n%n", command, LocalDateTime.now().withNano(0),
                Runtime.getRuntime().availableProcessors()));
        sb.append("| workload | engine | threads | build s | query s (min / median) | queries/s | distances/query | "
                + "recall@k | index MB (heap / off-heap) | alloc B/query | peak RSS MB | note |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Comparison.Row r : rows) {
            if (r.threads() == 0) {
                sb.append(String.format("| %s | %s | | | | | | | | | | %s |%n", r.workload(), r.engine(), r.note()));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f / %.3f | %.0f | %s | %s | %.1f / %.1f | %s | %.0f | %s |%n",
                    r.workload(), r.engine(), r.threads(), r.buildSeconds(), r.minSeconds(), r.medianSeconds(), r.qps(),
                    Double.isNaN(r.distancesPerQuery()) ? "–" : String.format(Locale.ROOT, "%.0f", r.distancesPerQuery()),
                    Double.isNaN(r.recall()) ? "–" : String.format(Locale.ROOT, "%.4f", r.recall()), r.indexHeapMb(),
                    r.indexOffHeapMb(),
                    Double.isNaN(r.allocPerQuery()) ? "" : String.format(Locale.ROOT, "%.0f", r.allocPerQuery()),
                    r.peakRssMb(), r.note()));
        }
        return sb.toString();
    }
}
