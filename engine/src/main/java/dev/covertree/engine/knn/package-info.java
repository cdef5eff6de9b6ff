/**
 * The search: {@link dev.covertree.engine.knn.Knn#search} (one call), {@link dev.covertree.engine.knn.EnginePlan}
 * (the engine, chosen by {@code AUTO} from a timed sample or given, with the tree it needs) and
 * {@link dev.covertree.engine.knn.Searcher} (a plan kept for many query batches). Hands chunks of queries to
 * the engine's worker threads and finishes and checks the answer through the metric.
 *
 * <p>The top of the engine: imports every package below it and is imported by none. Owns off-heap: a plan's
 * tree (closed with the plan) and a result's arrays until the caller closes it.
 */
package dev.covertree.engine.knn;
