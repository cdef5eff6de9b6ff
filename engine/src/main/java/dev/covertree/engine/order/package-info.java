/**
 * Vecchia orderings ({@link dev.covertree.engine.order.Ordering}): the given order, a seeded random order and
 * the exact max-min order, whose farthest-point search runs on the bounds tree.
 *
 * <p>Imports the data model, the bounds tree and the internals. Owns off-heap: the max-min run's scaled
 * coordinates and distances (freed when it returns); a reordered copy of an input ({@code apply}) lives in
 * the caller's arena.
 */
package dev.covertree.engine.order;
