/**
 * The data model of a search (the lowest level of the API, imported by every other package and importing
 * none of them): {@link dev.covertree.engine.Matrix} (an off-heap segment with a shape),
 * {@link dev.covertree.engine.Dataset} (validated points, V and p, with derived per-point values),
 * {@link dev.covertree.engine.Kernel}, {@link dev.covertree.engine.QuerySet},
 * {@link dev.covertree.engine.KnnOptions}, {@link dev.covertree.engine.Engine},
 * {@link dev.covertree.engine.KnnResult}, {@link dev.covertree.engine.ScratchSpace} and the one exception
 * for unusable input.
 *
 * <p>A search runs {@code .npy} &rarr; {@code Matrix} &rarr; {@code Dataset} &rarr;
 * {@link dev.covertree.engine.metric.Metric#of} (the one distance code every engine calls) &rarr;
 * {@link dev.covertree.engine.knn.EnginePlan} (the engine, chosen or measured, and its tree) &rarr;
 * {@link dev.covertree.engine.knn.Knn#search} &rarr; {@code KnnResult} (ids and distances in segments, or
 * written straight into the caller's mapped files). The packages, lowest first: this one; {@code .metric};
 * {@code .cover}, {@code .bounds} and the unexported {@code .brute} (the engines); {@code .order};
 * {@code .knn}; {@code .prepare} beside them. Packages under {@code .internal} are implementation, not
 * exported by the module and not in the published Javadoc.
 *
 * <p>Owns off-heap: the caller's arrays stay the caller's ({@code Matrix} wraps them); a {@code Dataset}
 * owns its derived per-point values (scaled coordinates, {@code 1/√p}, V row norms, slacks); a
 * {@code KnnResult} owns its ids and distances unless written into the caller's segments.
 */
package dev.covertree.engine;
