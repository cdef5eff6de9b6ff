/**
 * The cover tree ({@link dev.covertree.engine.cover.CoverTree}, {@code Engine.TREE}): built in parallel,
 * searched with the triangle inequality, saved to and mapped from {@code .ctree} files. Serves the middle
 * regime of the residual metric (pruning on the metric itself).
 *
 * <p>Imports the data model, the metrics and the internals. Owns off-heap: the flat node structs
 * ({@code NodeLayout}) and the points' records copied in node order (memory or an unlinked scratch file),
 * freed by {@code close()}.
 */
package dev.covertree.engine.cover;
