/**
 * Internal: the arithmetic inner loops in two implementations, {@code jdk.incubator.vector} and scalar, chosen
 * once by {@link dev.covertree.engine.internal.vector.Ops} ({@code -Dcovertree.vector=false} forces the scalar
 * one; a short Euclidean job in few dimensions, where both give the same bits, takes the scalar one), and the
 * residual formula with the project's own deterministic exponential. Not API.
 */
package dev.covertree.engine.internal.vector;
