/**
 * Exact k-nearest-neighbour search under the residual-correlation and Euclidean metrics.
 *
 * <p>Exported, lowest level first: the data model ({@code dev.covertree.engine}: datasets, queries, options,
 * results), the metrics ({@code .metric}, with the interface every engine implements), the two trees
 * ({@code .cover}, {@code .bounds}), the Vecchia orderings ({@code .order}), the search itself ({@code .knn}:
 * {@code Knn}, {@code Searcher}, {@code EnginePlan}) and V and p preparation ({@code .prepare}). Not exported:
 * the brute-force engines ({@code .brute}, reached through {@code Engine.BRUTE} and {@code Engine.SCAN}) and the
 * packages under {@code .internal} (the search threads' scratch and the trees' node records, SIMD kernels,
 * BLAS/LAPACK downcalls, the parallel loop, memory limits), so an application on the module path cannot come
 * to depend on them. On the class path (the launcher, Spark executors) this descriptor is not read and the
 * same classes run unchanged.
 *
 * <p>Running it needs {@code --add-modules jdk.incubator.vector} (an incubator module is only resolved when
 * named) and native access for the BLAS/LAPACK downcalls:
 * {@code --enable-native-access=dev.covertree.engine,dev.covertree.npy}.
 */
module dev.covertree.engine {
    requires transitive dev.covertree.npy;
    requires jdk.incubator.vector;
    // MemoryLimit reads the machine's physical memory through com.sun.management's OperatingSystemMXBean
    requires java.management;
    requires jdk.management;

    exports dev.covertree.engine;
    exports dev.covertree.engine.metric;
    exports dev.covertree.engine.cover;
    exports dev.covertree.engine.bounds;
    exports dev.covertree.engine.order;
    exports dev.covertree.engine.knn;
    exports dev.covertree.engine.prepare;
}
