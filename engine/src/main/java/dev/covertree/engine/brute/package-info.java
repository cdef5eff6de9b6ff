/**
 * The exhaustive engines: {@code Scan} ({@code Engine.SCAN}, one query and one distance at a time, the
 * reference) and {@code BlockedBruteForce} ({@code Engine.BRUTE}, blocks of queries against every point,
 * through the metric's block kernel: a BLAS product screen for the residual metric). The ill-conditioned
 * regime's engine. Not exported: applications choose them through {@code Engine}.
 *
 * <p>Imports the data model, the metrics and the internals. Owns no off-heap memory of its own.
 */
package dev.covertree.engine.brute;
