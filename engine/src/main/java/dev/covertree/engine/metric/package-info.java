/**
 * The metrics: {@link dev.covertree.engine.metric.Metric} (residual correlation or Euclidean, made by
 * {@link dev.covertree.engine.metric.Metric#of}) is the one per-pair arithmetic every engine calls, so every
 * engine returns the same bits. Each metric also carries its engine-facing kernels: the node-ordered records
 * and child distances of the cover tree, the node bounds of the bounds tree (with their rounding arguments),
 * the residual brute force's screened matrix-product block ({@code ProductBlock}), and the checks before and
 * after a search. {@link dev.covertree.engine.metric.SearchEngine} is the interface every engine implements.
 *
 * <p>Imports the data model and the internals only. Public methods that take internal types (a search thread's
 * {@code Worker}, a node layout) are the engines' hooks, not for applications. Owns no off-heap memory: it reads
 * the dataset's segments and derived values in place, and its buffers are a search thread's heap arrays.
 */
package dev.covertree.engine.metric;
