/**
 * The exact k-nearest-neighbour library: datasets over off-heap segments, the residual-correlation and
 * Euclidean metrics, V and p preparation, and the engines. Exported: {@code dev.covertree.engine} (datasets,
 * queries, options, results, plans, searchers, the trees) and {@code dev.covertree.engine.prepare}. Not
 * exported: {@code dev.covertree.engine.internal.*} (the SIMD kernels, the BLAS and LAPACK downcalls, the
 * parallel loop and memory limits), which code on the module path cannot reach.
 */
module dev.covertree.engine {
    requires transitive dev.covertree.npy;
    requires jdk.incubator.vector;
    requires java.management;
    requires jdk.management;

    exports dev.covertree.engine;
    exports dev.covertree.engine.prepare;
}
