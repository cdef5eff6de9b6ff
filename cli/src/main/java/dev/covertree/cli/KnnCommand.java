package dev.covertree.cli;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.internal.util.MemoryLimit;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.order.Ordering;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import dev.covertree.npy.NpyRowWriter;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code covertree knn}: the k nearest neighbours of queries, written as .npy files. */
@Command(name = "knn", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the exact k nearest neighbours of every point (--all), of given point ids, or of new "
                + "points given by coordinates, and write indices (int64, Q x k) and distances (float64, Q x k).",
                "Rows are sorted by distance, ties by smaller id; missing entries are -1 / inf. For the residual "
                        + "metric without --v/--p, V and p are prepared from the kernel first (see 'prepare')."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:bad input data"})
final class KnnCommand implements Callable<Integer> {
    /** A worker's kept inputs, or null: one run, everything opened is closed at its end. */
    private final InputsCache cache;
    /** The request's cancellation: a worker keeps this command for many requests, each with its own. */
    private final Supplier<Cancellation> cancellations;

    KnnCommand() {
        this(null, () -> Cancellation.NEVER);
    }

    /**
     * A knn command of a worker's requests: inputs and plans come from and stay in {@code cache}; each request
     * stops when its own cancellation, from {@code cancellations}, is cancelled.
     */
    KnnCommand(InputsCache cache, Supplier<Cancellation> cancellations) {
        this.cache = cache;
        this.cancellations = cancellations;
    }

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--k", required = true, paramLabel = "K", description = "Neighbours per query, >= 1.")
    int k;

    @Mixin
    Queries queries = new Queries();

    /**
     * Which points are queries: exactly one of the three options. Checked by {@link #check}, not by an
     * exclusive option group: a worker parses a command line for every request, and picocli's groups cost it
     * more than the rest of the parse.
     */
    static final class Queries {
        @Option(names = "--all", description = "Every point is a query (all-points mode). One of --all, --query-ids "
                + "and --query-coords is required.")
        boolean all;

        @Option(names = "--query-ids", paramLabel = "IDS.npy", description = "Query these dataset ids (1-d int64 or int32).")
        Path ids;

        @Option(names = "--query-coords", paramLabel = "Q.npy",
                description = "Query new points given by coordinates (Q x d, same dtype as --coords).")
        Path coords;

        /** Throws a usage error unless exactly one way of giving queries was used. */
        void check() {
            List<String> given = new ArrayList<>();
            if (all) {
                given.add("--all");
            }
            if (ids != null) {
                given.add("--query-ids");
            }
            if (coords != null) {
                given.add("--query-coords");
            }
            if (given.size() != 1) {
                throw new UsageException(given.isEmpty() ? "knn needs its queries: --all, --query-ids IDS.npy or "
                        + "--query-coords Q.npy" : String.join(" and ", given) + " exclude each other: give one");
            }
        }
    }

    @Option(names = "--predecessor", description = "Vecchia ordering: query i may only return ids j < i.")
    boolean predecessor;

    /** The Vecchia orderings of {@code --order}. */
    enum Order {
        GIVEN, RANDOM, MAXMIN;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Option(names = "--order", paramLabel = "HOW", defaultValue = "given",
            description = "With --predecessor, the Vecchia ordering: given (the file's order), random (seeded by --seed) "
                    + "or maxmin (exact max-min ordering of the coordinates, lengthscale-scaled, from the point nearest "
                    + "the centre of their bounding box, ties to the smaller id). Rows and neighbour ids of the outputs "
                    + "stay in the original numbering: row i lists the points before i in the ordering "
                    + "(default: ${DEFAULT-VALUE}).")
    Order order;

    @Option(names = "--out-order", paramLabel = "O.npy",
            description = "Output: the ordering, int64: position t holds the original id of the t-th point.")
    Path outOrder;

    @Option(names = "--include-self", description = "A query point may be its own neighbour (distance 0).")
    boolean includeSelf;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "${COMPLETION-CANDIDATES}; all exact, same answers: tree (cover tree), bounds (k-d tree "
                    + "with structure bounds), brute (blocked), scan (one query at a time). auto: for euclidean the bounds "
                    + "tree up to " + EnginePlan.MAX_BOUNDS_DIMENSION + " dimensions, else the cover tree; for residual "
                    + "with >= " + EnginePlan.MIN_QUERIES + " queries by id over >= " + EnginePlan.MIN_BOUNDS_POINTS
                    + " points it builds the bounds tree and probes it (counted distances: it takes it at once where "
                    + "they are a tiny share), else times a sample of the job with it and the brute force (and, from "
                    + EnginePlan.MIN_POINTS + " points, unless the bounds tree is " + EnginePlan.CLEAR_WIN
                    + "x faster, the cover tree) and keeps the fastest; otherwise the brute force "
                    + "(default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--allow-inconsistent", description = "Residual metric: search even where V, p and the kernel "
            + "settings contradict each other (by default a p that is not variance - |V_i|^2 on a sample, or a pair "
            + "whose residual correlation exceeds what V and p allow, stops the job with exit 3: the settings are not "
            + "the ones V and p were made with). For a p of your own, not made from V.")
    boolean allowInconsistent;

    @Option(names = "--tree", paramLabel = "T.ctree|T.btree",
            description = "Use a tree saved by 'build': a cover tree (.ctree) or a bounds tree (.btree); its engine is used.")
    Path tree;

    @Option(names = "--out-indices", required = true, paramLabel = "I.npy", description = "Output: neighbour ids.")
    Path outIndices;

    @Option(names = "--out-distances", required = true, paramLabel = "D.npy", description = "Output: distances.")
    Path outDistances;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Run the job on Apache Spark (local[N] in-process, spark://HOST:PORT, yarn, ...): segments of "
                    + "ids searched as tasks, partial lists merged per query; the same files, byte for byte. Needs "
                    + "--v/--p and the file's order; --coords, --v and --p may then be paths every executor sees or "
                    + "Hadoop URIs (hdfs://, s3a://, file://).")
    String spark;

    @Option(names = "--spark-segments", paramLabel = "S", defaultValue = "1",
            description = "With --spark: split the points into S contiguous id segments, one index each, so no "
                    + "executor holds more than one segment (1: one index over all points, queries split in ranges) "
                    + "(default: ${DEFAULT-VALUE}).")
    int sparkSegments;

    @Option(names = "--out-parquet", paramLabel = "DIR",
            description = "With --spark: also write the answer as a Parquet table (row, query_id, neighbour_ids, distances): "
                    + "a folder, or a Hadoop URI (hdfs://, s3a://).")
    Path outParquet;

    @Mixin
    ScratchOptions scratch = new ScratchOptions();

    @Mixin
    RunOptions run = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Cancellation cancellation = cancellations.get();
        queries.check();
        if (k < 1) {
            throw new UsageException("--k must be >= 1, got " + k);
        }
        if (queries.coords != null && (predecessor || includeSelf)) {
            throw new UsageException((predecessor ? "--predecessor" : "--include-self") + " needs queries by id, "
                    + "not --query-coords");
        }
        if (order != Order.GIVEN && !predecessor) {
            throw new UsageException("--order " + order + " needs --predecessor: without it the ordering does not change "
                    + "the neighbour sets");
        }
        if (order != Order.GIVEN && tree != null) {
            throw new UsageException("--order " + order + " cannot use --tree: the tree was built in the file's order");
        }
        if (outOrder != null && !predecessor) {
            throw new UsageException("--out-order needs --predecessor (and --order)");
        }
        Engine eng = engine;
        if (tree != null && engine != Engine.AUTO && engine != Engine.TREE && engine != Engine.BOUNDS) {
            throw new UsageException("--tree searches with the saved tree's engine; --engine " + engine + " contradicts it");
        }
        List<RunOptions.FileArg> inputs = new ArrayList<>(data.inputs());
        inputs.add(new RunOptions.FileArg("--query-ids", queries.ids));
        inputs.add(new RunOptions.FileArg("--query-coords", queries.coords));
        inputs.add(new RunOptions.FileArg("--tree", tree));
        run.checkOutputs(List.of(new RunOptions.FileArg("--out-indices", outIndices),
                new RunOptions.FileArg("--out-distances", outDistances), new RunOptions.FileArg("--out-order", outOrder)),
                inputs);
        if (spark != null) {
            return runOnSpark(inputs);
        }
        if (outParquet != null || sparkSegments != 1) {
            throw new UsageException((outParquet != null ? "--out-parquet" : "--spark-segments") + " needs --spark");
        }
        int threads = run.threads();
        Telemetry tel = run.telemetry();
        PrintWriter out = run.out(spec);
        PrintWriter err = spec.commandLine().getErr();
        Telemetry.Phase loading = tel.phase("load");
        try (Closer scope = new Closer()) {
            // mapping and checking the inputs (a prepare phase of its own when V and p are made here); a worker
            // keeps them, and what is derived from them, for its next requests
            Inputs in = cache == null ? scope.keep(Inputs.load(data, threads, tel)) : cache.get(inputsKey(threads),
                    () -> Inputs.load(data, threads, tel));
            loading.count("reused", cache != null && cache.lastWasHit()).end();
            Dataset given = in.dataset;
            Telemetry.Phase ordering = tel.phase("order");
            Ordered ordered = order == Order.GIVEN ? null : in.derived("order " + order, () -> ordered(given, threads,
                            new Progress(err, "order", given.size(), run.quiet, cancellation)),
                    Ordered::bytes);
            long[] perm = ordered == null ? null : ordered.perm();
            ordering.count("order", order.toString()).end();
            Dataset ds = ordered == null ? given : ordered.data();
            QuerySet qs;
            Metric metric;
            if (queries.all) {
                qs = QuerySet.allPoints(ds.size());
                metric = Metric.of(ds);
            } else if (queries.ids != null) {
                long[] ids = Inputs.readIds(queries.ids, "--query-ids");
                if (perm != null) {
                    ids = positionsOf(ids, perm, queries.ids.toString());
                }
                qs = QuerySet.ids(ids, ds.size(), queries.ids.toString());
                metric = Metric.of(ds);
            } else {
                Dataset qd = in.queryPoints(queries.coords, scope);
                metric = Metric.of(ds, qd);
                qs = QuerySet.external(qd.size());
            }
            KnnOptions opt = new KnnOptions(k, includeSelf, predecessor, threads, eng, !allowInconsistent);
            long[] shape = {qs.size(), k};
            String planKey = String.join(" ", "plan", String.valueOf(eng), String.valueOf(k), String.valueOf(includeSelf),
                    String.valueOf(predecessor), queries.all ? "all" : queries.ids != null ? "ids" : "coords",
                    String.valueOf(qs.size()), scratch.scratch, String.valueOf(scratch.dir));
            // the outputs first: a disk without room for them fails here, before the tree is built
            try (NpyMappedFile idxFile = NpyMappedFile.create(outIndices, NpyDType.I8, shape, run.force);
                 NpyMappedFile distFile = NpyMappedFile.create(outDistances, NpyDType.F8, shape, run.force)) {
                // rows are written in the tree's order, scattered over the files: fault mapped ones in at once
                // where both fit in a quarter of the memory available (NpyMappedFile#populateForWrite), the two
                // files side by side (one after the other took several times as long)
                if (idxFile.isMapped() && 2 * idxFile.data().byteSize() <= MemoryLimit.available() / 4) {
                    List.of(idxFile, distFile).parallelStream().forEach(NpyMappedFile::populateForWrite);
                }
                boolean planKept = tree == null && in.has(planKey);
                EnginePlan plan = tree != null ? scope.keep(EnginePlan.load(tree, ds, scratch.space()))
                        : in.derived(planKey, () -> scratch.plan(metric, qs, opt, tel, run.quiet, err, cancellation),
                        KnnCommand::treeBytes);
                Progress progress = scope.keep(new Progress(err, "search", qs.size(), run.quiet, cancellation));
                Telemetry.Phase phase = tel.phase("search");
                try (KnnResult r = Knn.search(metric, qs, opt, plan, progress, perm == null ? idxFile.data() : null,
                        perm == null ? distFile.data() : null)) {
                    if (perm != null) {
                        toOriginalNumbering(r, perm, queries.all, idxFile.data(), distFile.data());
                        if (outOrder != null) {
                            writeOrder(perm);
                        }
                    } else if (outOrder != null) {
                        writeOrder(Ordering.given(given.size()));
                    }
                    phase.count("queries", qs.size()).count("k", k).count("engine", r.engine().name().toLowerCase())
                            .count("check_seconds", r.checkSeconds())
                            .count("distance_evaluations", r.distanceEvaluations()).count("nodes_visited", r.nodesVisited());
                    if (r.medianDistancesPerQuery() >= 0) {
                        phase.count("distances_per_query_median", r.medianDistancesPerQuery())
                                .count("distances_per_query_max", r.maxDistancesPerQuery())
                                .count("queries_searched_again", r.queriesSearchedAgain());
                    }
                    progress.close();
                    double s = phase.end();
                    cancellation.check();
                    Telemetry.Phase write = tel.phase("write");
                    idxFile.commit();
                    distFile.commit();
                    write.end();
                    if (!run.quiet) {
                        // formatted only when shown: a worker's quiet requests run this code cold, once each
                        out.printf("knn: %d %s, k = %d, %s metric, engine %s%s, %d threads%n", qs.size(),
                                qs.size() == 1 ? "query" : "queries", k,
                                ds.metricType().name().toLowerCase(), r.engine().name().toLowerCase(),
                                eng == Engine.AUTO && tree == null ? " (auto)" : "", threads);
                        if (!in.vSource.isEmpty()) {
                            out.printf("  V and p: %s%n", in.vSource);
                        }
                        out.printf("  engine: %s%s%n", plan.reason(), planKept ? " (plan kept from an earlier request)" : "");
                        if (plan.tree() != null && tree == null) {
                            out.printf("  tree built in %.3f s (%d distances); planning took %.3f s%n", plan.tree().buildSeconds(),
                                    plan.tree().buildDistances(), plan.seconds());
                        }
                        out.printf("  search %.3f s (%.0f queries/s), %.1f distances per query%s%n", s, qs.size() / Math.max(s, 1e-9),
                                (double) r.distanceEvaluations() / Math.max(1, qs.size()), r.medianDistancesPerQuery() < 0 ? ""
                                        : String.format(" (median %d, max %d)", r.medianDistancesPerQuery(), r.maxDistancesPerQuery()));
                        out.printf("  wrote %s and %s (%d x %d)%n", outIndices, outDistances, qs.size(), k);
                    }
                }
            }
        } finally {
            if (cache != null) {
                cache.trim();
            }
        }
        return 0;
    }

    /** An ordering of the dataset and the dataset's rows in that order, in memory of its own. */
    private record Ordered(long[] perm, Dataset data, Arena arena) implements AutoCloseable {
        long bytes() {
            return 8L * perm.length + Inputs.bytesOf(data);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    private Ordered ordered(Dataset given, int threads, Progress progress) {
        long[] perm;
        try (progress) {
            perm = switch (order) {
                case GIVEN -> Ordering.given(given.size());
                case RANDOM -> Ordering.random(given.size(), data.inducing.seed());
                case MAXMIN -> Ordering.maxMin(given.coords(),
                        given.kernel() == null ? new double[] {1.0} : given.kernel().lengthscale(), threads, progress);
            };
        }
        Arena arena = Arena.ofShared();
        try {
            return new Ordered(perm, permuted(given, perm, arena, scratch.space()), arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Memory a plan's tree holds. */
    private static long treeBytes(EnginePlan plan) {
        return plan.tree() != null ? plan.tree().byteSize() : plan.boundsTree() != null ? plan.boundsTree().byteSize() : 0;
    }

    /**
     * What identifies this job's inputs for a worker's cache: every data setting as given, the thread count
     * (V and p prepared on other threads could differ in the last bit) and the files they name, whose identity
     * (device, inode, size, modification and change times) the cache adds, so a file rewritten in place is read
     * again.
     */
    private InputsCache.Key inputsKey(int threads) {
        StringBuilder settings = new StringBuilder("threads=").append(threads);
        List<Path> files = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : spec.mixins().get("data").options()) {
            Object v = o.getValue();
            settings.append(' ').append(o.longestName()).append('=').append(v);
            if (v instanceof Path p) {
                files.add(RunOptions.fileOf(p));
            }
        }
        return new InputsCache.Key(settings.toString(), files);
    }

    /**
     * The job through {@link DistributedKnn}: its module is looked up only here, so runs without
     * {@code --spark} never load Spark. The driver reads the query ids, and prepares query points given by
     * coordinates (their V rows and p) as the single-process run does.
     */
    private int runOnSpark(List<RunOptions.FileArg> inputs) throws Exception {
        if (sparkSegments < 1) {
            throw new UsageException("--spark-segments must be >= 1, got " + sparkSegments);
        }
        if (spark.isBlank()) {
            throw new UsageException("--spark needs a master, for example local[2]");
        }
        String not = tree != null ? "--tree" : order != Order.GIVEN ? "--order " + order : outOrder != null ? "--out-order"
                : data.model != null ? "--model" : null;
        if (not != null) {
            throw new UsageException("--spark cannot be combined with " + not + " (the executors read --coords, --v and "
                    + "--p in the file's order)");
        }
        if (data.metricType() == dev.covertree.engine.MetricType.RESIDUAL && (data.v == null || data.p == null)) {
            throw new UsageException("--spark with the residual metric needs --v and --p: make them once with "
                    + "'covertree prepare --out-v V.npy --out-p P.npy', so every executor reads the same V and p");
        }
        if (run.threads != null) {
            throw new UsageException("--threads does not apply with --spark: each task searches on one thread, and the "
                    + "master sets how many run at once (local[N], executor cores)");
        }
        String table = location("--out-parquet", outParquet);
        if (table != null && table.startsWith("/")) {
            checkParquetOutput();
        }
        DistributedKnn runner = DistributedKnn.find();
        int threads = run.threads();
        try (Inputs in = queries.coords == null ? null : Inputs.load(data, threads, run.telemetry()); Closer scope = new Closer()) {
            long[] ids = queries.ids == null ? null : Inputs.readIds(queries.ids, "--query-ids");
            Dataset points = in == null ? null : in.queryPoints(queries.coords, scope);
            var kernel = data.metricType() == dev.covertree.engine.MetricType.RESIDUAL ? data.kernel.toKernel() : null;
            DistributedKnn.Request r = new DistributedKnn.Request(spark, sparkSegments, data.metricType(),
                    location("--coords", data.coords), location("--v", data.v), location("--p", data.p), kernel, k,
                    includeSelf, predecessor, engine, !allowInconsistent, ids, points,
                    outIndices, outDistances, table, run.force, run.quiet);
            return runner.run(r, run.out(spec), spec.commandLine().getErr());
        }
    }

    /**
     * Where the executors read an input: the argument as typed when it is a URI ({@code hdfs://…},
     * {@code s3a://…}, {@code file:///…}, which a {@code Path} would mangle), else the absolute path.
     */
    private String location(String flag, Path path) {
        if (path == null) {
            return null;
        }
        CommandLine.Model.OptionSpec o = spec.commandLine().getParseResult().matchedOption(flag);
        String typed = o == null || o.originalStringValues().isEmpty() ? path.toString() : o.originalStringValues().get(0);
        return typed.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*") ? typed : path.toAbsolutePath().normalize().toString();
    }

    /** Refuses, before any work, a Parquet folder that exists (without --force), is a file, or has no parent. */
    private void checkParquetOutput() {
        if (java.nio.file.Files.isRegularFile(outParquet)) {
            throw new UsageException("--out-parquet " + outParquet + " is a file; a Parquet table is a folder");
        }
        if (java.nio.file.Files.exists(outParquet) && !run.force) {
            throw new UsageException("--out-parquet " + outParquet + " exists; pass --force to replace it");
        }
        Path parent = outParquet.toAbsolutePath().getParent();
        if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
            throw new UsageException("--out-parquet " + outParquet + ": the folder " + parent + " does not exist");
        }
    }

    /** The dataset with its rows in {@code perm}'s order, living as long as {@code arena}, where {@code space} puts it. */
    private static Dataset permuted(Dataset ds, long[] perm, Arena arena, ScratchSpace space) {
        Matrix x = Ordering.apply(ds.coords(), perm, arena, space);
        return switch (ds.metricType()) {
            case EUCLIDEAN -> Dataset.euclidean(x);
            case RESIDUAL -> Dataset.residual(x, Ordering.apply(ds.v(), perm, arena, space),
                    Ordering.apply(ds.p(), perm, arena, space), ds.kernel());
        };
    }

    /** Each original id's position in the ordering. */
    private static long[] positionsOf(long[] ids, long[] perm, String source) {
        long[] pos = new long[perm.length];
        for (int t = 0; t < perm.length; t++) {
            pos[(int) perm[t]] = t;
        }
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= perm.length) {
                throw new dev.covertree.engine.InvalidInputException(source + ": id " + ids[i] + " at position " + i
                        + " is outside 0.." + (perm.length - 1));
            }
            out[i] = pos[(int) ids[i]];
        }
        return out;
    }

    /**
     * Writes an answer found in ordered positions in the original numbering: neighbour ids through
     * {@code perm}, and for all-points jobs row {@code perm[t]} from slot t.
     */
    private static void toOriginalNumbering(KnnResult r, long[] perm, boolean allPoints, MemorySegment idx, MemorySegment dist) {
        int k = r.k();
        for (long s = 0; s < r.queries(); s++) {
            long row = allPoints ? perm[(int) s] : s;
            for (int j = 0; j < k; j++) {
                long id = r.index(s, j);
                idx.setAtIndex(ValueLayout.JAVA_LONG, row * k + j, id < 0 ? -1 : perm[(int) id]);
                dist.setAtIndex(ValueLayout.JAVA_DOUBLE, row * k + j, r.distance(s, j));
            }
        }
    }

    private void writeOrder(long[] perm) throws java.io.IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ValueLayout.JAVA_LONG, Math.max(1, perm.length)).asSlice(0, 8L * perm.length);
            MemorySegment.copy(perm, 0, s, ValueLayout.JAVA_LONG, 0, perm.length);
            NpyRowWriter.write(outOrder, s, NpyDType.I8, new long[] {perm.length}, run.force);
        }
    }
}
