/**
 * The bounds tree ({@link dev.covertree.engine.bounds.BoundsTree}, {@code Engine.BOUNDS}): a k-d split of the
 * coordinates whose nodes carry boxes, per-column V ranges, the smallest p and the smallest id, searched best
 * first with each metric's rigorous node bound. Serves the saturating spatial regime of the residual metric,
 * Euclidean k-NN and the exact max-min ordering; prefix trees serve Euclidean predecessor queries.
 *
 * <p>Imports the data model, the metrics and the internals. Owns off-heap: the node structs
 * ({@code BoundsNodeLayout}), the node-order permutation and the points' records in node order, freed by
 * {@code close()}; saved to and mapped from {@code .btree} files.
 */
package dev.covertree.engine.bounds;
