/**
 * Exact k-nearest-neighbour search under the residual-correlation and Euclidean metrics.
 *
 * <p>Exported: the API ({@code dev.covertree.engine}: datasets, queries, options, results, engines, trees,
 * orderings) and V and p preparation ({@code dev.covertree.engine.prepare}). Not exported: the packages under
 * {@code dev.covertree.engine.internal} (SIMD kernels, BLAS/LAPACK downcalls, the parallel loop, memory
 * limits), so an application on the module path cannot come to depend on them. On the class path (the
 * launcher, Spark executors) this descriptor is not read and the same classes run unchanged.
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
    exports dev.covertree.engine.prepare;
}
