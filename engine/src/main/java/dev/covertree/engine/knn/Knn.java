package dev.covertree.engine.knn;

import dev.covertree.engine.Engine;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.internal.util.Parallel;
import dev.covertree.engine.internal.util.WorkHistogram;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Exact k-nearest-neighbour search: the library's entry point.
 *
 * <pre>{@code
 * try (Dataset data = Dataset.residual(coords, v, p, kernel);
 *      KnnResult r = Knn.search(Metric.of(data), QuerySet.allPoints(data.size()),
 *                               KnnOptions.of(50).withPredecessor(true))) {
 *     long firstNeighbourOf7 = r.index(7, 0);
 * }
 * }</pre>
 *
 * Every engine returns the brute-force answer: rows sorted by distance then id,
 * self excluded unless asked, predecessor mode restricting query i to ids below i, −1 / +∞ padding.
 */
public final class Knn {
    private Knn() {
    }

    /** Searches with the engine in {@code options}, building a tree first if it needs one. */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options) {
        validate(metric, queries, options, null);
        try (EnginePlan plan = EnginePlan.of(metric, queries, options, ScratchSpace.auto())) {
            return search(metric, queries, options, plan, null, null, null);
        }
    }

    /** Searches with the engine and tree of {@code plan} (for example {@link EnginePlan#withTree}). */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options, EnginePlan plan) {
        return search(metric, queries, options, plan, null, null, null);
    }

    /**
     * Searches with the engine and tree of {@code plan} (from {@link EnginePlan#of}, which the caller may
     * time or report separately), writing the answer into the caller's segments: Q x k int64 ids and
     * Q x k float64 distances, for example the data of {@code NpyMappedFile}s, so results larger than
     * memory stream to disk. Null segments are allocated off-heap and owned by the result.
     *
     * @param progress told how many more queries finished, from worker threads; may be null
     */
    public static KnnResult search(Metric metric, QuerySet queries, KnnOptions options, EnginePlan plan,
                                   LongConsumer progress, MemorySegment indicesOut, MemorySegment distancesOut) {
        validate(metric, queries, options, plan.tree());
        KnnResult out = indicesOut == null ? new KnnResult(queries.size(), options.k(), options.threads())
                : new KnnResult(queries.size(), options.k(), indicesOut, distancesOut);
        long t0 = System.nanoTime();
        try {
            long checks = 0;
            if (options.checkInputs()) {
                metric.checkInputs();
                checks = System.nanoTime() - t0;
            }
            run(metric, queries, options, plan.searcher(metric, queries.size(), options.threads()), out, progress, t0,
                    plan.engine());
            if (options.checkInputs()) {
                long t1 = System.nanoTime();
                metric.checkAnswer(queries, out);
                checks += System.nanoTime() - t1;
            }
            out.recordChecks(checks / 1e9);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Searches with {@code engine} as given, not as a plan would make it (tests pin each variant of an engine this way). */
    static KnnResult search(Metric metric, QuerySet queries, KnnOptions options, SearchEngine engine) {
        validate(metric, queries, options, null);
        KnnResult out = new KnnResult(queries.size(), options.k(), options.threads());
        run(metric, queries, options, engine, out, null, System.nanoTime(), options.engine());
        return out;
    }

    private static void validate(Metric metric, QuerySet queries, KnnOptions options, CoverTree tree) {
        if (queries.byId() && !metric.selfQueries()) {
            throw new InvalidInputException("queries by id need the dataset's own metric (Metric.of(data))");
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

    private static void run(Metric metric, QuerySet qs, KnnOptions opt, SearchEngine engine, KnnResult out,
                            LongConsumer progress, long t0, Engine name) {
        List<Worker> workers = Parallel.forEachChunk(opt.threads(), qs.size(), engine.chunk(), () -> engine.newWorker(opt.k()),
                (w, from, to) -> {
                    engine.search(metric, qs, opt, from, to, w, out);
                    if (progress != null) {
                        progress.accept(to - from);
                    }
                });
        metric.finishAnswer(qs, out);
        long distances = 0;
        long nodes = 0;
        long again = 0;
        WorkHistogram perQuery = new WorkHistogram();
        for (Worker w : workers) {
            distances += w.distances;
            nodes += w.nodes;
            again += w.searchedAgain;
            perQuery.merge(w.perQuery);
        }
        out.recordRun(name, (System.nanoTime() - t0) / 1e9, distances, nodes, again, perQuery);
    }
}
