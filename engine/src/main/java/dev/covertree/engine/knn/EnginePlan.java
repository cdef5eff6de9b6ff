package dev.covertree.engine.knn;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.bounds.BoundsTree;
import dev.covertree.engine.brute.BlockedBruteForce;
import dev.covertree.engine.brute.Scan;
import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.internal.linalg.MatrixProduct;
import dev.covertree.engine.internal.search.NodeOrdered;
import dev.covertree.engine.internal.util.MemoryLimit;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The exact engine a search will use, decided before it starts, with the tree it needs.
 *
 * <p>{@link Engine#AUTO} on the Euclidean metric takes the bounds tree (a k-d tree) up to
 * {@value #MAX_BOUNDS_DIMENSION} dimensions, where box bounds prune well, and the cover tree above. On the
 * residual metric the answer depends on the data (the three regimes: ill-conditioned inputs where nothing
 * prunes and the blocked brute force wins; 3-D data with many inducing points where the cover tree's
 * triangle inequality prunes; saturating spatial fields where only the bounds tree's structure bounds
 * prune), so AUTO measures. With at least {@value #MIN_QUERIES} queries by id over at least
 * {@value #MIN_BOUNDS_POINTS} points it builds the bounds tree (O(N log N), cheap) and runs
 * {@value #PROBE} probe queries with it, counting distances: below {@value #PRUNES_ALL} of their
 * candidates it takes the bounds tree at once; above {@value #PRUNES_NOTHING} it does not time it (and
 * below {@value #MIN_POINTS} points takes the brute force at once). Otherwise it times {@value #SAMPLE}
 * queries of the real job with the bounds tree and the brute force, one thread each, after a warm-up,
 * each sample shaped as that engine's run would take it. If the bounds tree is not at least
 * {@value #CLEAR_WIN}x faster and there are at least {@value #MIN_POINTS} points, it builds the cover tree
 * too (its build is costly, so only then) and times it on the same sample. The fastest wins. Queries by
 * coordinates use the brute force. Either way the answer is the same, bit for bit; only the time differs,
 * and {@link #reason()} says why.
 *
 * <p>Owns the trees it built: close the plan when the search is done.
 */
public final class EnginePlan implements AutoCloseable {
    /** Fewer points than this: AUTO does not build a cover tree on the residual metric. */
    public static final long MIN_POINTS = 1 << 17;
    /** Fewer points than this: AUTO takes the brute force on the residual metric without measuring. */
    public static final long MIN_BOUNDS_POINTS = 1 << 14;
    /** Fewer queries than this: a tree's build would cost more than it can save. */
    public static final long MIN_QUERIES = 4096;
    /**
     * Fewer points than this: a residual predecessor search has no prefix trees ({@link BoundsTree#buildPrefixes}).
     * Their build costs about what they save in the search at 2^18 points; from 2^20 the search is the larger part.
     */
    public static final long MIN_RESIDUAL_PREFIX_POINTS = 1 << 20;
    /** Most Euclidean dimensions for which AUTO takes the bounds tree. */
    public static final int MAX_BOUNDS_DIMENSION = 16;
    /** How much faster than the brute force the bounds tree's sample must be for AUTO to skip the cover tree. */
    public static final int CLEAR_WIN = 8;
    /** Queries timed per engine. */
    static final int SAMPLE = 256;
    /** Queries of the bounds tree's probe (counted distances, not time). */
    static final int PROBE = 4;
    /** The share of a probe's candidates above which the bounds tree is not timed: it prunes next to nothing. */
    static final double PRUNES_NOTHING = 0.5;
    /** The share of a probe's candidates below which the bounds tree is taken without timing anything. */
    static final double PRUNES_ALL = 0.02;
    /** Warm-up runs of a tree engine's sample before it is timed. */
    static final int TREE_WARMUP = 8;

    private final Engine engine;
    private final CoverTree tree;
    private final BoundsTree bounds;
    private final boolean ownsTrees;
    private final String reason;
    private final double seconds;

    private EnginePlan(Engine engine, CoverTree tree, BoundsTree bounds, boolean ownsTrees, String reason, double seconds) {
        this.engine = engine;
        this.tree = tree;
        this.bounds = bounds;
        this.ownsTrees = ownsTrees;
        this.reason = reason;
        this.seconds = seconds;
    }

    /** A plan that searches with a cover tree the caller built or loaded (and keeps owning). */
    public static EnginePlan withTree(CoverTree tree) {
        return new EnginePlan(Engine.TREE, tree, null, false, "a tree was given", 0);
    }

    /**
     * A plan that searches with the tree saved at {@code path} by {@link CoverTree#save} or
     * {@link BoundsTree#save} (the file's first bytes tell which), mapped back and owned by the plan.
     */
    public static EnginePlan load(Path path, Dataset data, ScratchSpace space) throws IOException {
        byte[] magic = new byte[8];
        try (java.io.InputStream in = Files.newInputStream(path)) {
            if (in.readNBytes(magic, 0, 8) == 8 && new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("BTREEFFM")) {
                return new EnginePlan(Engine.BOUNDS, null, BoundsTree.load(path, data), true, "a saved bounds tree was given", 0);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such tree file");
        }
        return new EnginePlan(Engine.TREE, CoverTree.load(path, data, space), null, true, "a saved tree was given", 0);
    }

    /** A plan that searches with a bounds tree the caller built (and keeps owning). */
    public static EnginePlan withTree(BoundsTree tree) {
        return new EnginePlan(Engine.BOUNDS, null, tree, false, "a bounds tree was given", 0);
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
        return of(metric, queries, options, space, buildProgress, MIN_POINTS, MIN_BOUNDS_POINTS, MIN_QUERIES);
    }

    /** {@link #of}, with the thresholds below which AUTO does not measure given (tests lower them). */
    static EnginePlan of(Metric metric, QuerySet queries, KnnOptions options, ScratchSpace space,
                         LongConsumer buildProgress, long minPoints, long minBoundsPoints, long minQueries) {
        long t0 = System.nanoTime();
        Dataset data = metric.data();
        int threads = options.threads();
        Engine requested = options.engine();
        switch (requested) {
            case TREE -> {
                return new EnginePlan(Engine.TREE, CoverTree.build(data, threads, space, buildProgress), null, true,
                        "requested", seconds(t0));
            }
            case BOUNDS -> {
                return new EnginePlan(Engine.BOUNDS, null,
                        prefixed(BoundsTree.build(data, threads, space, buildProgress), options, space), true, "requested",
                        seconds(t0));
            }
            case BRUTE, SCAN -> {
                return new EnginePlan(requested, null, null, true, "requested", seconds(t0));
            }
            case AUTO -> {
                return auto(metric, queries, options, space, buildProgress, minPoints, minBoundsPoints, minQueries, t0);
            }
        }
        throw new AssertionError(requested);
    }

    private static EnginePlan auto(Metric metric, QuerySet queries, KnnOptions options, ScratchSpace space,
                                   LongConsumer buildProgress, long minPoints, long minBoundsPoints, long minQueries, long t0) {
        Dataset data = metric.data();
        int threads = options.threads();
        switch (data.metricType()) {
            case EUCLIDEAN -> {
                if (data.dimension() <= MAX_BOUNDS_DIMENSION) {
                    return new EnginePlan(Engine.BOUNDS, null,
                            prefixed(BoundsTree.build(data, threads, space, buildProgress), options, space), true,
                            "auto: the bounds tree, for the Euclidean metric in " + data.dimension() + " <= "
                                    + MAX_BOUNDS_DIMENSION + " dimensions", seconds(t0));
                }
                return new EnginePlan(Engine.TREE, CoverTree.build(data, threads, space, buildProgress), null, true,
                        "auto: the cover tree, for the Euclidean metric in " + data.dimension() + " > "
                                + MAX_BOUNDS_DIMENSION + " dimensions", seconds(t0));
            }
            case RESIDUAL -> {
                // measured below
            }
        }
        if (!queries.byId()) {
            return new EnginePlan(Engine.BRUTE, null, null, true, "auto: queries by coordinates use the brute force",
                    seconds(t0));
        }
        if (data.size() < minBoundsPoints || queries.size() < minQueries) {
            return new EnginePlan(Engine.BRUTE, null, null, true, "auto: the brute force below " + minBoundsPoints
                    + " points or " + minQueries + " queries", seconds(t0));
        }
        KnnOptions one = options.withThreads(1);
        // each engine's sample is shaped like its run: the brute force's blocks are runs of consecutive query
        // slots (in predecessor mode a block costs as much as its largest id), an all-points tree run visits
        // queries in its node order (neighbouring queries share cache)
        long[] ids = slices(queries);
        QuerySet qs = QuerySet.ids(ids, data.size(), "AUTO's sample");
        BoundsTree b = BoundsTree.build(data, threads, space, null);
        CoverTree t = null;
        try {
            QuerySet boundsOrder = sampleFor(b, queries, qs);
            // a few queries first, counted not timed: where the bounds prune (almost) nothing (ill-conditioned
            // inputs) the bounds tree costs more than the brute force per query, and timing it would too
            double evaluated = evaluatedShare(metric, probe(boundsOrder, data.size()), one, withTree(b));
            boolean hopeless = evaluated > PRUNES_NOTHING;
            String probe = String.format(java.util.Locale.ROOT, "the bounds tree computed %.2g%% of the distances of %d "
                    + "probe queries", 100 * evaluated, PROBE);
            if (evaluated < PRUNES_ALL) {
                // a share this small beats the brute force and the cover tree's own pruning by far: nothing to time
                return new EnginePlan(Engine.BOUNDS, null, prefixed(b, options, space), true, "auto: " + probe + ", below "
                        + Math.round(100 * PRUNES_ALL) + "%: the bounds tree without timing", seconds(t0));
            }
            if (hopeless && data.size() < minPoints) {
                // no cover tree at this size either: nothing left to time the brute force against
                b.close();
                return new EnginePlan(Engine.BRUTE, null, null, true, "auto: " + probe + "; the brute force below "
                        + minPoints + " points", seconds(t0));
            }
            double bruteSeconds = time(metric, qs, one.withEngine(Engine.BRUTE), null, Double.POSITIVE_INFINITY);
            double boundsSeconds = hopeless ? Double.POSITIVE_INFINITY
                    : time(metric, boundsOrder, one, withTree(b), bruteSeconds);
            String measured = String.format(java.util.Locale.ROOT, "auto: %d sampled queries took %s with the bounds tree, "
                    + "%.3f s with the brute force", ids.length, hopeless ? "too long to time (" + probe + ")"
                    : shown(boundsSeconds), bruteSeconds);
            double treeSeconds = Double.POSITIVE_INFINITY;
            if (boundsSeconds * CLEAR_WIN > bruteSeconds && data.size() >= minPoints) {
                t = CoverTree.build(data, threads, space, buildProgress);
                QuerySet treeOrder = sampleFor(t, queries, qs);
                treeSeconds = time(metric, treeOrder, one, withTree(t), Math.min(bruteSeconds, boundsSeconds));
                measured += ", " + shown(treeSeconds) + " with the cover tree";
            }
            if (boundsSeconds <= bruteSeconds && boundsSeconds <= treeSeconds) {
                close(t);
                return new EnginePlan(Engine.BOUNDS, null, prefixed(b, options, space), true, measured, seconds(t0));
            }
            b.close();
            if (treeSeconds < bruteSeconds) {
                return new EnginePlan(Engine.TREE, t, null, true, measured, seconds(t0));
            }
            close(t);
            return new EnginePlan(Engine.BRUTE, null, null, true, measured, seconds(t0));
        } catch (RuntimeException | Error e) {
            b.close();
            close(t);
            throw e;
        }
    }

    /**
     * The sample as a tree's run takes it: for an all-points job a run of the tree's node order (there
     * neighbouring queries share cache), else the same ids as the brute force's sample.
     */
    private static QuerySet sampleFor(NodeOrdered tree, QuerySet queries, QuerySet sample) {
        return queries.isAllPoints() ? QuerySet.ids(tree.middleOfNodeOrder((int) sample.size()), tree.size(),
                "AUTO's sample").withNeighbours() : sample;
    }

    /**
     * {@code b}, with its prefix trees for a search in predecessor mode where {@link #wantsPrefixes} says they
     * pay ({@link BoundsTree#buildPrefixes}); closes it if they fail.
     */
    private static BoundsTree prefixed(BoundsTree b, KnnOptions options, ScratchSpace space) {
        if (options.predecessor() && wantsPrefixes(b, MIN_RESIDUAL_PREFIX_POINTS, MemoryLimit::available)) {
            try {
                b.buildPrefixes(options.threads(), space, BoundsTree.MIN_PREFIX);
            } catch (RuntimeException | Error e) {
                b.close();
                throw e;
            }
        }
        return b;
    }

    /**
     * Whether a predecessor search over {@code b} should have prefix trees. Euclidean: always. Residual: from
     * {@code minResidual} points, where the early queries' searches (their candidates few and far apart in the
     * full tree, so they open about twice the nodes of a later query) cost more than a third more tree build
     * (a prefix tree's nodes, over sparser points, are wider against the lengthscale, so its queries evaluate
     * about a tenth more distances but open far fewer nodes), and only where the tree takes at most a quarter
     * of the memory {@code available} (asked only then): the prefix trees add a third to it, which a job that
     * nearly fills memory (a 2^24-point scale run) would pay for in paging.
     */
    static boolean wantsPrefixes(BoundsTree b, long minResidual, LongSupplier available) {
        return switch (b.data().metricType()) {
            case EUCLIDEAN -> true;
            case RESIDUAL -> b.size() >= minResidual && b.byteSize() <= available.getAsLong() / 4;
        };
    }

    private static void close(CoverTree t) {
        if (t != null) {
            t.close();
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

    /**
     * Seconds for {@code qs} with {@code plan} (null: the engine of {@code options}, which needs no tree),
     * after a warm-up so that no engine is timed cold: the brute force's few hot loops compile within its
     * first eighth, a tree search's many small methods only after {@value #TREE_WARMUP} runs of the whole
     * sample. +∞ without the timed run when a warm-up run after the first (which runs cold, compiling as
     * it goes) took longer than {@code budget}, the time to beat, so that a hopeless engine costs little.
     */
    private static double time(Metric metric, QuerySet qs, KnnOptions options, EnginePlan plan, double budget) {
        EnginePlan p = plan != null ? plan : new EnginePlan(options.engine(), null, null, false, "sample", 0);
        QuerySet warm = plan == null ? qs.head((int) Math.max(1, qs.size() / 8), metric.data().size()) : qs;
        int runs = plan == null ? 1 : TREE_WARMUP;
        for (int run = 0; run < runs; run++) {
            long w0 = System.nanoTime();
            try (KnnResult r = Knn.search(metric, warm, options, p)) {
                // the first run is cold (compiling as it goes); a later one slower than the time to beat is a loss
                if ((run > 0 || runs == 1) && seconds(w0) > budget) {
                    return Double.POSITIVE_INFINITY;
                }
            }
        }
        long t0 = System.nanoTime();
        try (KnnResult s = Knn.search(metric, qs, options, p)) {
            return seconds(t0);
        }
    }

    /**
     * The probe: {@value #PROBE} queries of the sample with ids spread over its ids (the middles of equal slices
     * of them, sorted), so that in predecessor mode their candidate counts are typical. Not the sample's first
     * queries: an all-points sample is a run of the bounds tree's node order, and a leaf lists its points by
     * id, so a run starts with a leaf's earliest points, which have the fewest candidates.
     */
    private static QuerySet probe(QuerySet sample, long n) {
        long[] rows = new long[(int) sample.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = sample.row(i);
        }
        java.util.Arrays.sort(rows);
        long[] picked = new long[Math.min(PROBE, rows.length)];
        for (int j = 0; j < picked.length; j++) {
            picked[j] = rows[(int) ((2L * j + 1) * rows.length / (2L * picked.length))];
        }
        return QuerySet.ids(picked, n, "AUTO's probe");
    }

    /** Distances computed for {@code qs} with {@code plan} over the candidates they have (ids allowed). */
    private static double evaluatedShare(Metric metric, QuerySet qs, KnnOptions options, EnginePlan plan) {
        long n = metric.data().size();
        long candidates = 0;
        for (long i = 0; i < qs.size(); i++) {
            long row = qs.row(i);
            candidates += qs.idLimit(row, options, n) - (qs.excludedId(row, options) >= 0 ? 1 : 0);
        }
        try (KnnResult r = Knn.search(metric, qs, options, plan)) {
            return (double) r.distanceEvaluations() / Math.max(1, candidates);
        }
    }

    /** A sample's time for the reason line: seconds, or why there is none. */
    private static String shown(double seconds) {
        return seconds == Double.POSITIVE_INFINITY ? "more (its warm-up was already too slow)" : String.format(java.util.Locale.ROOT, "%.3f s", seconds);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The engine the search uses: never AUTO. */
    public Engine engine() {
        return engine;
    }

    /** The engine's search of {@code queries} queries with {@code metric} on {@code threads} threads, over the plan's tree when it has one. */
    SearchEngine searcher(Metric metric, long queries, int threads) {
        return switch (engine) {
            case TREE -> tree.searchEngine();
            case BOUNDS -> bounds.searchEngine();
            case BRUTE -> {
                MatrixProduct product = MatrixProduct.blas();
                yield new BlockedBruteForce(product, metric.bruteBlock(product, queries, threads));
            }
            case SCAN -> new Scan();
            case AUTO -> throw new IllegalStateException("a plan never keeps AUTO");
        };
    }

    /** The cover tree, when the engine is {@link Engine#TREE}; null otherwise. */
    public CoverTree tree() {
        return tree;
    }

    /** The bounds tree, when the engine is {@link Engine#BOUNDS}; null otherwise. */
    public BoundsTree boundsTree() {
        return bounds;
    }

    /** Why this engine, in one line (with AUTO's measurements when it took them). */
    public String reason() {
        return reason;
    }

    /** Seconds spent deciding, including any tree build and AUTO's sample. */
    public double seconds() {
        return seconds;
    }

    /** Closes the trees this plan built. */
    @Override
    public void close() {
        if (ownsTrees) {
            close(tree);
            if (bounds != null) {
                bounds.close();
            }
        }
    }
}
