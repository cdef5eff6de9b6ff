package dev.covertree.cli;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.MetricType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * {@code covertree knn --spark MASTER}: the same job run by a cluster engine that lives in another module
 * (covertree-spark), found with {@link ServiceLoader} through
 * {@code META-INF/services/dev.covertree.cli.DistributedKnn} only when {@code --spark} is given, so no other
 * run loads its classes. It writes the same files, byte for byte, as the single-process run.
 */
public interface DistributedKnn {
    /**
     * What {@code knn} was asked to do.
     *
     * @param master          the cluster manager ({@code local[2]}, {@code spark://host:7077}, {@code yarn})
     * @param segments        contiguous id segments, one index each (1: one index over all points)
     * @param metric          the metric
     * @param coords          coordinates, N x d: an absolute path or a Hadoop URI
     * @param v               V (residual), else null; as {@code coords}
     * @param p               p (residual), else null; as {@code coords}
     * @param kernel          the kernel (residual), else null
     * @param k               neighbours per query
     * @param includeSelf     a query point may be its own neighbour
     * @param predecessor     query i returns only ids below i
     * @param engine          the engine each index searches with
     * @param checkInputs     stop on settings that contradict V and p
     * @param queryIds        the query ids, or null
     * @param queryPoints     the query points by coordinates (prepared by the caller), or null; both null: all points
     * @param outIndices      where the ids go
     * @param outDistances    where the distances go
     * @param outParquet      a Parquet table of the answer (an absolute path or a Hadoop URI), or null
     * @param force           overwrite existing outputs
     * @param quiet           no progress or summary
     */
    record Request(String master, int segments, MetricType metric, String coords, String v, String p, Kernel kernel, int k,
                   boolean includeSelf, boolean predecessor, Engine engine, boolean checkInputs, long[] queryIds,
                   Dataset queryPoints, Path outIndices, Path outDistances, String outParquet, boolean force, boolean quiet) {
    }

    /** Runs the request, writing the outputs only when the whole job succeeded; returns the exit code. */
    int run(Request request, PrintWriter out, PrintWriter err) throws Exception;

    /** The implementation on the class path; a usage error when there is none. */
    static DistributedKnn find() {
        return ServiceLoader.load(DistributedKnn.class).findFirst().orElseThrow(() -> new UsageException(
                "--spark needs the covertree-spark module and Apache Spark on the class path (the covertree launcher "
                        + "adds them when --spark is given; in your own JVM, add covertree-spark and spark-core/spark-sql 4.2)"));
    }
}
