package dev.covertree.engine;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Exact k-nearest-neighbour search: the library's entry point.
 *
 * <pre>{@code
 * try (Dataset data = Dataset.residual(coords, v, p, kernel);
 *      KnnResult r = Knn.search(data.metric(), QuerySet.allPoints(data.size()),
 *                               KnnOptions.of(50).withPredecessor(true))) {
 *     long firstNeighbourOf7 = r.index(7, 0);
 * }
 * }</pre>
 *
 * Every engine returns the brute-force answer of SPEC section 6: rows sorted by distance then id,
 * self excluded unless asked, predecessor mode restricting query i to ids below i, −1 / +∞ padding.
 */
public final class Knn {
    static final int SCAN_CHUNK = 16;

    private Knn() {
    }

    /** Searches with the engine in {@code options}, building a tree first if it needs one. */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options) {
        return search(metric, queries, options, null, null);
    }

    /**
     * Searches.
     *
     * @param tree     a tree built over {@code metric.data()} to reuse, or null to build one when needed
     * @param progress told how many more queries finished, from worker threads; may be null
     */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options, CoverTree tree,
                                   LongConsumer progress) {
        return search(metric, queries, options, tree, progress, null, null);
    }

    /**
     * Searches, writing the answer into the caller's segments: Q x k int64 ids and Q x k float64
     * distances, for example the data of {@code NpyMappedFile}s, so results larger than memory stream to
     * disk. Null segments are allocated off-heap and owned by the result.
     */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options, CoverTree tree,
                                   LongConsumer progress, MemorySegment indicesOut, MemorySegment distancesOut) {
        validate(metric, queries, options, tree);
        try (EnginePlan plan = tree != null ? EnginePlan.withTree(tree)
                : EnginePlan.of(metric, queries, options, ScratchSpace.auto())) {
            return search(metric, queries, options, plan, progress, indicesOut, distancesOut);
        }
    }

    /**
     * Searches with the engine and tree of {@code plan} (from {@link EnginePlan#of}, which the caller may
     * time or report separately), writing into the caller's segments as above (null: allocated).
     */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options, EnginePlan plan,
                                   LongConsumer progress, MemorySegment indicesOut, MemorySegment distancesOut) {
        validate(metric, queries, options, plan.tree());
        KnnResult out = indicesOut == null ? new KnnResult(queries.size(), options.k())
                : new KnnResult(queries.size(), options.k(), indicesOut, distancesOut);
        out.engine = plan.engine();
        long t0 = System.nanoTime();
        try {
            run(metric, queries, options, plan.engine(), plan.tree(), out, progress);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        out.seconds = (System.nanoTime() - t0) / 1e9;
        return out;
    }

    private static void validate(Metric metric, QuerySet queries, KnnOptions options, CoverTree tree) {
        if (queries.byId() && !metric.selfQueries()) {
            throw new InvalidInputException("queries by id need the dataset's own metric (data.metric())");
        }
        if (!queries.byId()) {
            if (metric.selfQueries() || queries.size() != metric.queries().size()) {
                throw new InvalidInputException("external queries must be every row of the query dataset");
            }
            if (options.predecessor()) {
                throw new InvalidInputException("predecessor mode needs queries by id, not by coordinates");
            }
        }
        if (tree != null && tree.data() != metric.data()) {
            throw new InvalidInputException("the tree was built over another dataset");
        }
        if (options.threads() > 1) {
            metric.data().checkSharedAccess("a search with " + options.threads() + " threads");
            metric.queries().checkSharedAccess("a search with " + options.threads() + " threads");
        }
    }

    /** Insertion sort of {@code order[0, len)} by query row: a chunk is a handful of queries. */
    private static void sortByRow(QuerySet qs, long[] order, int len) {
        for (int i = 1; i < len; i++) {
            long x = order[i];
            long key = qs.row(x);
            int j = i;
            while (j > 0 && qs.row(order[j - 1]) > key) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = x;
        }
    }

    private static void run(Metric metric, QuerySet qs, KnnOptions opt, Engine engine, CoverTree tree, KnnResult out,
                            LongConsumer progress) {
        long q = qs.size();
        int chunk = engine == Engine.BRUTE ? BlockedBruteForce.BLOCK : SCAN_CHUNK;
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int threads = (int) Math.max(1, Math.min(opt.threads(), (q + chunk - 1) / chunk));
        List<Worker> workers = Collections.synchronizedList(new ArrayList<>());
        boolean seed = qs.byId();
        boolean nodeOrder = engine == Engine.TREE && qs.isAllPoints();
        // a tree searches neighbouring queries as a group; queries in the caller's order are rarely neighbours
        int group = qs.neighbours() ? Worker.GROUP : 1;
        long n = metric.data().size();
        Parallel.run(threads, () -> {
            Worker w = new Worker(opt.k(), engine == Engine.BRUTE);
            workers.add(w);
            try {
                for (long from = next.getAndAdd(chunk); from < q && failure.get() == null; from = next.getAndAdd(chunk)) {
                    long to = Math.min(q, from + chunk);
                    if (engine == Engine.BRUTE) {
                        BlockedBruteForce.searchBlock(metric, qs, opt, from, to, w, out);
                    } else if (engine == Engine.TREE) {
                        int len = (int) (to - from);
                        long[] order = w.chunkQueries;
                        for (int s = 0; s < len; s++) {
                            // all points: queries in node order, so a chunk's queries are neighbours
                            order[s] = nodeOrder ? tree.pointAt(from + s) : from + s;
                        }
                        if (group > 1 && opt.predecessor()) {
                            // a predecessor search is as wide as its id is small: group neighbours of like ids
                            sortByRow(qs, order, len);
                        }
                        for (int s = 0; s < len; s += group) {
                            int g = Math.min(group, len - s);
                            for (int b = 0; b < g; b++) {
                                long row = qs.row(order[s + b]);
                                w.groupRow[b] = row;
                                w.groupExclude[b] = BlockedBruteForce.exclude(qs, opt, row);
                                w.groupLimit[b] = BlockedBruteForce.limit(qs, opt, row, n);
                            }
                            tree.search(metric, g, seed, w);
                            for (int b = 0; b < g; b++) {
                                w.heapFor(b).drainTo(out.indices(), out.distances(), order[s + b]);
                            }
                        }
                    } else {
                        for (long slot = from; slot < to; slot++) {
                            long row = qs.row(slot);
                            BlockedBruteForce.scanOne(metric, qs, opt, row, w.heap, w);
                            w.heap.drainTo(out.indices(), out.distances(), slot);
                        }
                    }
                    if (progress != null) {
                        progress.accept(to - from);
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, failure);
        for (Worker w : workers) {
            out.distanceEvaluations += w.distances;
            out.nodesVisited += w.nodes;
        }
    }
}
