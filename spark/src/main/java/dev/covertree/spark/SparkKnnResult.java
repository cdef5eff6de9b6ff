package dev.covertree.spark;

import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The answer of a {@link SparkKnn} job, computed when first written: Q rows of k neighbour ids and
 * distances, row r belonging to the r-th query. Closing it drops the cached blocks, the broadcast queries
 * and (in local mode) the segment indexes.
 */
public final class SparkKnnResult implements AutoCloseable {
    private final JavaPairRDD<Integer, NeighbourBlock> blocks;
    private final Sharding sharding;
    private final int k;
    private final Broadcast<SparkQueries> shared;
    private final LongAccumulator distances;
    private final int tasks;
    private final String jobId;

    SparkKnnResult(JavaPairRDD<Integer, NeighbourBlock> blocks, Sharding sharding, int k,
                   Broadcast<SparkQueries> shared, LongAccumulator distances, int tasks, String jobId) {
        this.blocks = blocks;
        this.sharding = sharding;
        this.k = k;
        this.shared = shared;
        this.distances = distances;
        this.tasks = tasks;
        this.jobId = jobId;
    }

    /** Rows of the answer (queries). */
    public long queries() {
        return sharding.queries();
    }

    /** Neighbours per row. */
    public int k() {
        return k;
    }

    /** Segments the points were cut into. */
    public int segments() {
        return sharding.segments();
    }

    /** Blocks the queries were cut into. */
    public int blocks() {
        return sharding.blocks();
    }

    /** Search tasks (segment and block pairs that can hold neighbours). */
    public int tasks() {
        return tasks;
    }

    /** Distances the tasks evaluated so far (a retried task's count twice). */
    public long distanceEvaluations() {
        return distances.value();
    }

    /**
     * Writes the answer as {@code .npy} files on the driver, streaming one reduce partition at a time: ids
     * (int64, Q x k) and distances (float64, Q x k), the files {@code covertree knn} writes, under temporary
     * names until both are complete.
     */
    public void writeNpy(Path indices, Path distancesFile, boolean overwrite) throws IOException {
        long[] shape = {queries(), k};
        try (NpyMappedFile idx = NpyMappedFile.create(indices, NpyDType.I8, shape, overwrite);
             NpyMappedFile dist = NpyMappedFile.create(distancesFile, NpyDType.F8, shape, overwrite)) {
            BitSet written = new BitSet(sharding.blocks());
            if (blocks != null) {
                for (Iterator<Tuple2<Integer, NeighbourBlock>> it = blocks.toLocalIterator(); it.hasNext(); ) {
                    Tuple2<Integer, NeighbourBlock> t = it.next();
                    t._2().writeTo(idx.data(), dist.data());
                    written.set(t._1());
                }
            }
            for (NeighbourBlock b : emptyBlocks(written)) {
                b.writeTo(idx.data(), dist.data());
            }
            idx.commit();
            dist.commit();
        }
    }

    /**
     * The blocks not in {@code present}, with no neighbours at all: blocks no task produced (in predecessor
     * mode the first queries, which have no point below them in any segment).
     */
    private List<NeighbourBlock> emptyBlocks(BitSet present) {
        List<NeighbourBlock> out = new ArrayList<>();
        for (int b = present.nextClearBit(0); b < sharding.blocks(); b = present.nextClearBit(b + 1)) {
            out.add(NeighbourBlock.empty(sharding.blockStart(b), sharding.blockSize(b), k));
        }
        return out;
    }

    /**
     * Writes the answer as a Parquet table at {@code location} (any Hadoop URI), one row per query:
     * {@code row} (long), {@code query_id} (long; null for new points), {@code neighbour_ids}
     * (array of long, −1 where missing) and {@code distances} (array of double, +∞ where missing).
     */
    public void writeParquet(SparkSession spark, String location) {
        StructType schema = new StructType().add("row", DataTypes.LongType, false).add("query_id", DataTypes.LongType, true)
                .add("neighbour_ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
                .add("distances", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        BitSet present = new BitSet(sharding.blocks());
        if (blocks != null) {
            for (Integer b : blocks.keys().collect()) {
                present.set(b);
            }
        }
        List<NeighbourBlock> empty = emptyBlocks(present);
        JavaRDD<NeighbourBlock> all = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(empty, 1);
        if (blocks != null) {
            all = blocks.values().union(all);
        }
        Broadcast<SparkQueries> q = shared;
        JavaRDD<Row> rows = all.flatMap(b -> rowsOf(b, q.value()).iterator());
        spark.createDataFrame(rows, schema).write().parquet(location);
    }

    private static List<Row> rowsOf(NeighbourBlock b, SparkQueries queries) {
        List<Row> out = new ArrayList<>(b.rows());
        for (int r = 0; r < b.rows(); r++) {
            long row = b.firstRow() + r;
            Long id = switch (queries) {
                case SparkQueries.AllPoints a -> row;
                case SparkQueries.Ids ids -> ids.ids()[(int) row];
                case SparkQueries.Points p -> null;
            };
            out.add(RowFactory.create(row, id, b.ids(r), b.distances(r)));
        }
        return out;
    }

    @Override
    public void close() {
        if (blocks != null) {
            blocks.unpersist(false);
        }
        shared.destroy();
        SegmentCache.release(jobId);
    }
}
