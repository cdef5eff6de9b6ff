package dev.covertree.spark;

import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.QuerySet;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * The exact k-NN job on a Spark cluster, for programs that hold a {@link JavaSparkContext}:
 *
 * <pre>{@code
 * SparkKnnJob job = SparkKnnJob.residual("hdfs:///gp/x.npy", "hdfs:///gp/v.npy", "hdfs:///gp/p.npy", kernel, 50)
 *         .withPredecessor(true).withSegments(64);
 * try (SparkKnnResult r = SparkKnn.search(sc, job, SparkQueries.allPoints())) {
 *     r.writeNpy(Path.of("idx.npy"), Path.of("dist.npy"), false);   // on the driver, in row order
 * }
 * }</pre>
 *
 * The points are cut into {@link SparkKnnJob#segments} contiguous id segments; a task searches one
 * segment's index (built once per executor) for one block of queries; the partial lists of a block merge in
 * a reduce. Each executor reads only its segments' rows and its queries' rows. The answer equals the
 * single-process {@code Knn.search} answer bit for bit, whatever the segments, blocks or engines.
 */
public final class SparkKnn {
    /** A Spark setting: read local files through Hadoop's FileSystem API too, instead of mapping them (tests). */
    public static final String READ_THROUGH_HADOOP = "covertree.spark.readThroughHadoop";

    private SparkKnn() {
    }

    /**
     * Plans and starts the job: the driver reads only the arrays' headers; the searching happens when the
     * result is written or read.
     *
     * @throws InvalidInputException when the arrays, ids or options do not fit together (the message names
     *                               the file or setting)
     * @throws IOException           when a header cannot be read
     */
    public static SparkKnnResult search(JavaSparkContext sc, SparkKnnJob job, SparkQueries queries) throws IOException {
        boolean throughHadoop = sc.getConf().getBoolean(READ_THROUGH_HADOOP, false);
        long n = checkShapes(job, throughHadoop);
        long q = switch (queries) {
            case SparkQueries.AllPoints a -> n;
            case SparkQueries.Ids ids -> QuerySet.ids(ids.ids(), n, "query ids").size();
            case SparkQueries.Points points -> {
                if (job.predecessor() || job.includeSelf()) {
                    throw new InvalidInputException((job.predecessor() ? "predecessor mode" : "includeSelf")
                            + " needs queries by id, not new points");
                }
                if (points.metric() != job.metric()) {
                    throw new InvalidInputException("the query points were made for the " + points.metric() + " metric, the job is "
                            + job.metric());
                }
                yield points.size();
            }
        };
        if (job.segments() > n) {
            throw new InvalidInputException("segments: " + job.segments() + " is more than the " + n + " points");
        }
        if (q == 0) {
            throw new InvalidInputException("no queries");
        }
        int parallelism = sc.defaultParallelism();
        int rows = job.blockRows() > 0 ? job.blockRows() : Sharding.blockRows(q, job.segments(), parallelism, job.k());
        if (Math.min(rows, q) * job.k() > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("blockRows: " + rows + " rows of k = " + job.k() + " neighbours do not fit in one "
                    + "block's arrays; choose fewer rows per block");
        }
        Sharding sharding = new Sharding(n, q, job.segments(), (int) Math.min(rows, q));
        List<Sharding.Task> tasks = sharding.tasks(job.predecessor() ? largestIds(sharding, queries) : null);
        String jobId = UUID.randomUUID().toString();
        Broadcast<SparkQueries> shared = sc.broadcast(queries);
        LongAccumulator distances = sc.sc().longAccumulator("covertree distance evaluations");
        JavaPairRDD<Integer, NeighbourBlock> merged = null;
        if (!tasks.isEmpty()) {
            merged = sc.parallelize(tasks, tasks.size())
                    .mapToPair(t -> SegmentTask.run(job, jobId, sharding, shared.value(), t, throughHadoop, distances))
                    // one merged block a partition: the driver fetches the answer a partition at a time, and an
                    // executor serialises a whole partition into one task result, so a partition of several
                    // blocks (up to MAX_BLOCK_BYTES each) overran a 1 GB executor heap on a cluster
                    .reduceByKey(new HashPartitioner(sharding.blocks()), NeighbourBlock::merge)
                    .persist(StorageLevel.MEMORY_AND_DISK());
        }
        return new SparkKnnResult(merged, sharding, job.k(), shared, distances, tasks.size(), jobId);
    }

    /** N, after checking that the arrays the executors will read agree with each other and the job. */
    private static long checkShapes(SparkKnnJob job, boolean throughHadoop) throws IOException {
        try (RowSource c = RowSource.open(job.coords(), throughHadoop)) {
            long n = c.rows();
            if (job.metric() == MetricType.RESIDUAL) {
                try (RowSource v = RowSource.open(job.v(), throughHadoop); RowSource p = RowSource.open(job.p(), throughHadoop)) {
                    if (v.rows() != n) {
                        throw new InvalidInputException(job.v() + ": has " + v.rows() + " rows but " + job.coords() + " has " + n
                                + " (shape mismatch)");
                    }
                    if (p.rows() != n) {
                        throw new InvalidInputException(job.p() + ": has " + p.rows() + " values but " + job.coords() + " has "
                                + n + " rows (shape mismatch)");
                    }
                }
            }
            return n;
        }
    }

    /** Per block, its largest query id: predecessor mode sends it only to segments that start below that. */
    private static long[] largestIds(Sharding sharding, SparkQueries queries) {
        long[] max = new long[sharding.blocks()];
        for (int b = 0; b < max.length; b++) {
            long first = sharding.blockStart(b);
            long last = first + sharding.blockSize(b) - 1;
            if (queries instanceof SparkQueries.Ids ids) {
                long m = -1;
                for (long r = first; r <= last; r++) {
                    m = Math.max(m, ids.ids()[(int) r]);
                }
                max[b] = m;
            } else {
                max[b] = last;
            }
        }
        return max;
    }
}
