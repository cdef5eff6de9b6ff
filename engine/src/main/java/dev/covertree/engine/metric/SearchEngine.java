package dev.covertree.engine.metric;

import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.search.Worker;

/**
 * One exact search algorithm, once planned (its tree built, if it has one): {@link dev.covertree.engine.knn.Knn} hands each worker
 * thread chunks of consecutive query slots and the engine answers them with that worker's scratch. A new
 * engine is one new implementation of this interface and one {@link dev.covertree.engine.Engine} constant.
 */
public interface SearchEngine {
    /** Query slots per chunk: how many the engine wants to see together. */
    int chunk();

    /** A worker's reusable state for searches of {@code k} neighbours. */
    Worker newWorker(int k);

    /**
     * Answers query slots {@code [from, to)} of {@code queries}, writing the rows of the same slots of
     * {@code out}, and adds its distance and node counts to {@code w}.
     */
    void search(Metric metric, QuerySet queries, KnnOptions options, long from, long to, Worker w, KnnResult out);
}
