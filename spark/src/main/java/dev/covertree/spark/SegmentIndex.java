package dev.covertree.spark;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import org.apache.spark.SparkEnv;

/**
 * One segment's points {@code [start, end)} and the index an engine built over them (the engine the job
 * names, AUTO deciding on the segment itself), with the job's input files open so that query rows can be
 * read from them. Shared by the tasks of one executor that search the same segment; searching is
 * read-only, so they may run at once.
 */
final class SegmentIndex implements AutoCloseable {
    private final long start;
    private final long end;
    private final Kernel kernel;
    private final RowSource coords;
    private final RowSource v;
    private final RowSource p;
    private final Arena arena = Arena.ofShared();
    private final Dataset data;
    private final EnginePlan plan;
    private int[] positions;

    private SegmentIndex(SparkKnnJob job, long start, long end, boolean throughHadoop) throws IOException {
        this.start = start;
        this.end = end;
        this.kernel = job.kernel();
        RowSource c = null;
        RowSource vs = null;
        RowSource ps = null;
        Dataset d = null;
        try {
            c = RowSource.open(job.coords(), throughHadoop);
            if (job.metric() == MetricType.RESIDUAL) {
                vs = RowSource.open(job.v(), throughHadoop);
                ps = RowSource.open(job.p(), throughHadoop);
            }
            // SparkKnn.search checked that the files' row counts agree before any task ran
            Matrix x = c.rows(start, end, arena);
            d = vs == null ? Dataset.euclidean(x)
                    : Dataset.residual(x, vs.rows(start, end, arena), ps.rows(start, end, arena), kernel);
            // the executor's other tasks of this segment wait for the index, so its build takes all the cores
            this.plan = EnginePlan.of(Metric.of(d), QuerySet.allPoints(d.size()), job.options().withThreads(buildThreads()),
                    ScratchSpace.auto());
        } catch (InvalidInputException e) {
            abandon(d, c, vs, ps);
            throw start == 0 ? e : new InvalidInputException(e.getMessage() + " (an index within rows [" + start + ":" + end
                    + "], the segment this executor read: add " + start + " for the file's row)");
        } catch (IOException | RuntimeException e) {
            abandon(d, c, vs, ps);
            throw e;
        }
        this.coords = c;
        this.v = vs;
        this.p = ps;
        this.data = d;
    }

    /** The cores of this executor: {@code spark.executor.cores}, else (local mode) the machine's. */
    private static int buildThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        SparkEnv env = SparkEnv.get();
        return env == null ? cores : Math.max(1, env.conf().getInt("spark.executor.cores", cores));
    }

    /** Opens the job's files, reads or maps segment rows {@code [start, end)} and builds their index. */
    static SegmentIndex build(SparkKnnJob job, long start, long end, boolean throughHadoop) {
        try {
            return new SegmentIndex(job, start, end, throughHadoop);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    /**
     * Searches this segment for the dataset points {@code ids}, which lie in it, by id (so self-exclusion and
     * predecessor mode apply), and writes their lists into rows {@code rows} of {@code out}.
     */
    long searchOwn(long[] ids, int[] rows, KnnOptions options, NeighbourBlock out) {
        // in the index's node order, as a single-process all-points job takes them: neighbours in space
        int[] position = nodePositions();
        Integer[] order = new Integer[ids.length];
        java.util.Arrays.setAll(order, i -> i);
        if (position != null) {
            java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> position[(int) (ids[i] - start)]));
        }
        long[] local = new long[ids.length];
        int[] at = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            local[i] = ids[order[i]] - start;
            at[i] = rows[order[i]];
        }
        QuerySet qs = QuerySet.ids(local, data.size(), "segment queries");
        try (KnnResult r = Knn.search(Metric.of(data), position == null ? qs : qs.withNeighbours(), options, plan)) {
            copy(r, at, out);
            return r.distanceEvaluations();
        }
    }

    /** Each segment point's place in the index's node order, or null when the engine has no tree; made once. */
    private synchronized int[] nodePositions() {
        if (positions == null && (plan.tree() != null || plan.boundsTree() != null)) {
            java.util.function.LongUnaryOperator pointAt = plan.tree() != null ? plan.tree()::pointAt
                    : plan.boundsTree()::pointAt;
            int[] p = new int[(int) data.size()];
            for (int pos = 0; pos < p.length; pos++) {
                p[(int) pointAt.applyAsLong(pos)] = pos;
            }
            positions = p;
        }
        return positions;
    }

    /**
     * Searches this segment for query points outside it (given as rows of the job's files, or as a dataset
     * of their own), and writes their lists into rows {@code rows} of {@code out}. Predecessor mode and
     * self-exclusion do not apply: the caller sends only queries every point of the segment may answer,
     * in a spatial order ({@link ZOrder}).
     */
    long searchOthers(Dataset queries, int[] rows, KnnOptions options, NeighbourBlock out) {
        KnnOptions external = options.withPredecessor(false).withIncludeSelf(false);
        QuerySet qs = QuerySet.external(queries.size()).withNeighbours();
        try (KnnResult r = Knn.search(Metric.of(data, queries), qs, external, plan)) {
            copy(r, rows, out);
            return r.distanceEvaluations();
        }
    }

    /** The coordinates of dataset points {@code ids}, in {@code to}. */
    Matrix coordinates(long[] ids, Arena to) throws IOException {
        return coords.gather(ids, to);
    }

    /** The dataset points {@code ids} (outside this segment) as query points, their arrays in {@code to}. */
    Dataset points(long[] ids, Arena to) throws IOException {
        Matrix x = coords.gather(ids, to);
        return v == null ? Dataset.euclidean(x) : Dataset.residual(x, v.gather(ids, to), p.gather(ids, to), kernel);
    }

    private void copy(KnnResult r, int[] rows, NeighbourBlock out) {
        for (int i = 0; i < rows.length; i++) {
            out.setRow(rows[i], r.indices(), r.distances(), i, start);
        }
    }

    @Override
    public void close() {
        plan.close();
        data.close();
        closeAll(coords, v, p);
        arena.close();
    }

    /** Releases what a constructor that failed had opened. */
    private void abandon(Dataset d, RowSource... sources) {
        if (d != null) {
            d.close();
        }
        closeAll(sources);
        arena.close();
    }

    private static void closeAll(RowSource... sources) {
        for (RowSource s : sources) {
            if (s != null) {
                s.close();
            }
        }
    }
}
