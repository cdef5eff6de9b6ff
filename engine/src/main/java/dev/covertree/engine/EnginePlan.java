package dev.covertree.engine;

import java.util.function.LongConsumer;

/**
 * The exact engine a search will use, decided before it starts, with the tree it needs.
 *
 * <p>{@link Engine#AUTO} picks the cover tree for the Euclidean metric. For the residual metric the
 * answer depends on the data: the distance saturates near 1 on ill-conditioned inputs (many inducing
 * points, p near the jitter), where the tree computes almost every distance at ten times the cost of
 * the blocked brute force; with few inducing points and large N it prunes all but a few thousand per
 * query and wins by a factor that grows with N. So AUTO measures: when there are enough queries by id
 * ({@value #MIN_QUERIES}) over enough points ({@value #MIN_POINTS}, below which the brute force's
 * quadratic cost is still small) it builds the tree, times {@value #SAMPLE} queries of the real job with
 * each engine on one thread (taken as each engine's run would take them, after a warm-up), and keeps the
 * faster (the build is then
 * paid). Queries by coordinates use the brute force. Either way the answer is the same; only the time
 * differs, and {@link #reason()} says why.
 *
 * <p>Owns the tree it built: close the plan when the search is done.
 */
public final class EnginePlan implements AutoCloseable {
    /** Fewer points than this: AUTO takes the brute force on the residual metric without measuring. */
    public static final long MIN_POINTS = 1 << 17;
    /** Fewer queries than this: the tree's build would cost more than it can save. */
    public static final long MIN_QUERIES = 4096;
    /** Queries timed per engine. */
    static final int SAMPLE = 256;

    private final Engine engine;
    private final CoverTree tree;
    private final boolean ownsTree;
    private final String reason;
    private final double seconds;

    private EnginePlan(Engine engine, CoverTree tree, boolean ownsTree, String reason, double seconds) {
        this.engine = engine;
        this.tree = tree;
        this.ownsTree = ownsTree;
        this.reason = reason;
        this.seconds = seconds;
    }

    /** A plan that searches with a tree the caller built or loaded (and keeps owning). */
    public static EnginePlan withTree(CoverTree tree) {
        return new EnginePlan(Engine.TREE, tree, false, "a tree was given", 0);
    }

    /**
     * Decides the engine for {@code options.engine()} (AUTO as the class comment says) and builds the tree
     * if the choice needs one, with its arrays where {@code space} puts them.
     */
    public static EnginePlan of(Metric metric, QuerySet queries, KnnOptions options, ScratchSpace space) {
        return of(metric, queries, options, space, null);
    }

    /** As {@link #of(Metric, QuerySet, KnnOptions, ScratchSpace)}, telling {@code buildProgress} (if not null) how many more tree nodes are placed. */
    public static EnginePlan of(Metric metric, QuerySet queries, KnnOptions options, ScratchSpace space,
                                LongConsumer buildProgress) {
        return of(metric, queries, options, space, buildProgress, MIN_POINTS, MIN_QUERIES);
    }

    /** {@link #of}, with the thresholds below which AUTO does not measure given (tests lower them). */
    static EnginePlan of(Metric metric, QuerySet queries, KnnOptions options, ScratchSpace space,
                         LongConsumer buildProgress, long minPoints, long minQueries) {
        long t0 = System.nanoTime();
        Dataset data = metric.data();
        Engine requested = options.engine();
        if (requested != Engine.AUTO || data.metricType() == MetricType.EUCLIDEAN) {
            Engine e = requested.resolve(data.metricType());
            CoverTree t = e == Engine.TREE ? CoverTree.build(data, options.threads(), space, buildProgress) : null;
            return new EnginePlan(e, t, true, requested == Engine.AUTO ? "auto: the tree, for the Euclidean metric"
                    : "requested", seconds(t0));
        }
        if (!queries.byId()) {
            return new EnginePlan(Engine.BRUTE, null, true, "auto: queries by coordinates use the brute force", seconds(t0));
        }
        if (data.size() < minPoints || queries.size() < minQueries) {
            return new EnginePlan(Engine.BRUTE, null, true, "auto: the brute force below " + minPoints + " points or "
                    + minQueries + " queries", seconds(t0));
        }
        CoverTree t = CoverTree.build(data, options.threads(), space, buildProgress);
        try {
            // each engine's sample is shaped like its run: the brute force's blocks are runs of consecutive
            // query slots (in predecessor mode a block costs as much as its largest id), an all-points tree
            // run visits queries in node order (neighbouring queries share cache)
            long[] ids = slices(queries);
            QuerySet qs = QuerySet.ids(ids, data.size(), "AUTO's sample");
            QuerySet treeOrder = queries.isAllPoints() ? QuerySet.treeNeighbours(t.middleOfNodeOrder(ids.length), data.size(),
                    "AUTO's sample") : qs;
            // one thread: with two, the brute force's wall time is its slower block's, not the average
            double treeSeconds = time(metric, treeOrder, options.withEngine(Engine.TREE).withThreads(1), t);
            double bruteSeconds = time(metric, qs, options.withEngine(Engine.BRUTE).withThreads(1), null);
            String measured = String.format("auto: %d sampled queries took %.3f s with the tree, %.3f s with the brute "
                    + "force", ids.length, treeSeconds, bruteSeconds);
            if (treeSeconds < bruteSeconds) {
                return new EnginePlan(Engine.TREE, t, true, measured, seconds(t0));
            }
            t.close();
            return new EnginePlan(Engine.BRUTE, null, true, measured, seconds(t0));
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    /** Two runs of consecutive query slots, from a quarter and three quarters of the job. */
    private static long[] slices(QuerySet queries) {
        int half = (int) Math.min(SAMPLE / 2, queries.size() / 2);
        long[] ids = new long[2 * half];
        for (int s = 0; s < 2; s++) {
            long from = Math.min(queries.size() - half, (2 * s + 1) * queries.size() / 4);
            for (int i = 0; i < half; i++) {
                ids[s * half + i] = queries.row(from + i);
            }
        }
        return ids;
    }

    /** Seconds for {@code qs}, after a warm-up on its first eighth so that neither engine is timed cold. */
    private static double time(Metric metric, QuerySet qs, KnnOptions options, CoverTree tree) {
        try (KnnResult r = Knn.search(metric, qs.head((int) Math.max(1, qs.size() / 8), metric.data().size()), options, plan(tree, metric, qs, options))) {
            long t0 = System.nanoTime();
            try (KnnResult s = Knn.search(metric, qs, options, plan(tree, metric, qs, options))) {
                return seconds(t0);
            }
        }
    }

    /** A plan for a timed sample: the given tree, or the requested engine (which then needs none). */
    private static EnginePlan plan(CoverTree tree, Metric metric, QuerySet qs, KnnOptions options) {
        return tree != null ? withTree(tree) : of(metric, qs, options, ScratchSpace.auto());
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The engine the search uses: never AUTO. */
    public Engine engine() {
        return engine;
    }

    /** The engine's search, over the plan's tree when it has one. */
    SearchEngine searcher() {
        return switch (engine) {
            case TREE -> new CoverTreeSearch(tree);
            case BRUTE -> new BlockedBruteForce();
            case SCAN -> new Scan();
            case AUTO -> throw new IllegalStateException("a plan never keeps AUTO");
        };
    }

    /** The tree, when the engine is {@link Engine#TREE}; null otherwise. */
    public CoverTree tree() {
        return tree;
    }

    /** Why this engine, in one line (with AUTO's measurements when it took them). */
    public String reason() {
        return reason;
    }

    /** Seconds spent deciding, including any tree build and AUTO's sample. */
    public double seconds() {
        return seconds;
    }

    /** Closes the tree if this plan built it. */
    @Override
    public void close() {
        if (ownsTree && tree != null) {
            tree.close();
        }
    }
}
