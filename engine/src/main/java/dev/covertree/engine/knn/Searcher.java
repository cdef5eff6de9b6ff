package dev.covertree.engine.knn;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.metric.Metric;

/**
 * Many k-NN searches over one dataset, planned once: the engine is chosen and its tree built when the
 * searcher is made, and every later batch of queries (ids, all points, or new points by coordinates)
 * reuses them. For applications that query the same data again and again (a GP fit that asks for
 * neighbours at each step), where {@link Knn#search(Metric, QuerySet, KnnOptions)} would build the tree
 * every time.
 *
 * <pre>{@code
 * try (Searcher s = Searcher.of(data, KnnOptions.of(10))) {
 *     for (long[] batch : batches) {
 *         try (KnnResult r = s.search(QuerySet.ids(batch, data.size(), "batch"))) { ... }
 *     }
 *     try (KnnResult r = s.search(newPoints)) { ... }   // a Dataset of query points by coordinates
 * }
 * }</pre>
 *
 * AUTO decides as {@link EnginePlan} says, for a job over all points; the answers are the same whichever
 * engine it picks. Searches may run from several threads at once. Closing releases the tree; the dataset
 * stays the caller's.
 */
public final class Searcher implements AutoCloseable {
    private final Dataset data;
    private final KnnOptions options;
    private final EnginePlan plan;

    private Searcher(Dataset data, KnnOptions options, EnginePlan plan) {
        this.data = data;
        this.options = options;
        this.plan = plan;
    }

    /** Plans searches of {@code data} with {@code options} (k, self, predecessor mode, threads, engine), building the tree now. */
    public static Searcher of(Dataset data, KnnOptions options) {
        return new Searcher(data, options, EnginePlan.of(Metric.of(data), QuerySet.allPoints(data.size()), options,
                ScratchSpace.auto()));
    }

    /** The k nearest neighbours of dataset points: {@link QuerySet#allPoints} or {@link QuerySet#ids}. */
    public KnnResult search(QuerySet queries) {
        return Knn.search(Metric.of(data), queries, options, plan);
    }

    /**
     * The k nearest neighbours of new points given by coordinates (with their V rows and p for the
     * residual metric, for example from {@code PreparedResidual.fromBasis}); no predecessor mode.
     */
    public KnnResult search(Dataset queryPoints) {
        Metric metric = Metric.of(data, queryPoints);
        return Knn.search(metric, QuerySet.external(queryPoints.size()), options, plan);
    }

    /** The engine every search uses (never AUTO). */
    public Engine engine() {
        return plan.engine();
    }

    /** Why that engine, in one line. */
    public String reason() {
        return plan.reason();
    }

    /** Releases the tree the searcher built. */
    @Override
    public void close() {
        plan.close();
    }
}
