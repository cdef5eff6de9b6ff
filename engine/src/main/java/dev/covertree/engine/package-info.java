/**
 * The library's API: exact k-nearest-neighbour search over off-heap data.
 *
 * <p>Data flows {@code .npy} &rarr; {@link dev.covertree.engine.Matrix} (a segment with a shape) &rarr;
 * {@link dev.covertree.engine.Dataset} (validated, with derived per-point values) &rarr;
 * {@link dev.covertree.engine.Metric} (the one distance code every engine calls) &rarr;
 * {@link dev.covertree.engine.EnginePlan} (the engine, chosen or measured, and its tree) &rarr;
 * {@link dev.covertree.engine.Knn#search} &rarr; {@link dev.covertree.engine.KnnResult} (ids and distances
 * in segments, or written straight into the caller's mapped files).
 *
 * <p>The engines behind {@link dev.covertree.engine.Engine} (cover tree, bounds tree, blocked brute force, scan)
 * are package-private classes of this package, one per engine, behind one interface; they share the
 * metric's per-pair arithmetic, so every engine returns the same bits. Packages under
 * {@code dev.covertree.engine.internal} are implementation (SIMD kernels, BLAS/LAPACK bindings, the parallel
 * loop): public only so that this package can use them, not API, and not in the published Javadoc.
 */
package dev.covertree.engine;
