package dev.covertree.spark;

import dev.covertree.engine.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.util.Arrays;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * One task: the partial lists of one block of queries over one segment. A query that is a point of the
 * segment is searched by id (self-exclusion and predecessor mode apply inside the segment); a point of
 * another segment, or a new point, as a query point from outside, every segment point allowed (in
 * predecessor mode only segments wholly below the query get it that way, the segments above none).
 */
final class SegmentTask {
    /**
     * A task-local property ({@code JavaSparkContext.setLocalProperty}) naming a partition whose first
     * attempt throws: how the tests show that a failed task is retried without changing the answer.
     */
    static final String FAIL_FIRST_ATTEMPT = "covertree.spark.failFirstAttemptOf";

    private SegmentTask() {
    }

    static Tuple2<Integer, NeighbourBlock> run(SparkKnnJob job, String jobId, Sharding sharding, SparkQueries queries,
                                               Sharding.Task task, boolean throughHadoop, LongAccumulator distances) {
        failIfAsked();
        int s = task.segment();
        long start = sharding.start(s);
        long end = sharding.start(s + 1);
        long first = sharding.blockStart(task.block());
        int rows = sharding.blockSize(task.block());
        NeighbourBlock out = NeighbourBlock.empty(first, rows, job.k());
        try (SegmentCache.Lease lease = SegmentCache.acquire(jobId, s, () -> SegmentIndex.build(job, start, end, throughHadoop));
             Arena arena = Arena.ofShared()) {
            SegmentIndex index = lease.index();
            switch (queries) {
                case SparkQueries.Points points -> {
                    long[] all = new long[rows];
                    int[] at = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        all[r] = first + r;
                        at[r] = r;
                    }
                    int[] order = ZOrder.of(points.coords(all, arena));
                    try (Dataset q = points.rows(permute(all, order), job.kernel(), arena)) {
                        distances.add(index.searchOthers(q, permute(at, order), job.options(), out));
                    }
                }
                case SparkQueries.AllPoints a -> byId(job, index, null, first, rows, arena, out, distances);
                case SparkQueries.Ids ids -> byId(job, index, ids.ids(), first, rows, arena, out, distances);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Tuple2<>(task.block(), out);
    }

    private static void byId(SparkKnnJob job, SegmentIndex index, long[] ids, long first, int rows, Arena arena,
                             NeighbourBlock out, LongAccumulator distances) throws IOException {
        long[] own = new long[rows];
        int[] ownRows = new int[rows];
        long[] other = new long[rows];
        int[] otherRows = new int[rows];
        int no = 0;
        int nx = 0;
        for (int r = 0; r < rows; r++) {
            long id = ids == null ? first + r : ids[(int) (first + r)];
            if (id >= index.start() && id < index.end()) {
                own[no] = id;
                ownRows[no++] = r;
            } else if (!job.predecessor() || id >= index.end()) {
                other[nx] = id;
                otherRows[nx++] = r;
            }
        }
        if (no > 0) {
            distances.add(index.searchOwn(Arrays.copyOf(own, no), Arrays.copyOf(ownRows, no), job.options(), out));
        }
        if (nx > 0) {
            long[] outside = Arrays.copyOf(other, nx);
            int[] order = ZOrder.of(index.coordinates(outside, arena));
            try (Dataset q = index.points(permute(outside, order), arena)) {
                distances.add(index.searchOthers(q, permute(Arrays.copyOf(otherRows, nx), order), job.options(), out));
            }
        }
    }

    private static long[] permute(long[] a, int[] order) {
        long[] out = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = a[order[i]];
        }
        return out;
    }

    private static int[] permute(int[] a, int[] order) {
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = a[order[i]];
        }
        return out;
    }

    private static void failIfAsked() {
        TaskContext tc = TaskContext.get();
        String p = tc == null ? null : tc.getLocalProperty(FAIL_FIRST_ATTEMPT);
        if (p != null && tc.attemptNumber() == 0 && Integer.parseInt(p) == tc.partitionId()) {
            throw new IllegalStateException("first attempt of partition " + p + " failed on purpose ("
                    + FAIL_FIRST_ATTEMPT + ")");
        }
    }
}
