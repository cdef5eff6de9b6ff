package dev.covertree.engine.metric;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.linalg.MatrixProduct;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.search.WideNodeLayout;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.internal.vector.VectorOps;
import java.lang.foreign.MemorySegment;

/**
 * A distance between a query point and a dataset point, computed in float64 from the stored values.
 * Every engine (tree, brute force, the peers' adapters in the benchmarks) calls the same code, so they
 * all see identical distances.
 */
public abstract sealed class Metric permits ResidualMetric, EuclideanMetric {
    final Dataset queries;
    final Dataset data;
    final VectorOps ops;

    Metric(Dataset queries, Dataset data, VectorOps ops) {
        this.queries = queries;
        this.data = data;
        this.ops = ops;
    }

    /** The distance between points of {@code data}. */
    public static Metric of(Dataset data) {
        return of(data, data);
    }

    /**
     * The distance from the points of {@code queries} (same metric, kernel and shapes, else an
     * {@link dev.covertree.engine.InvalidInputException} naming their file) to the points of {@code data}:
     * {@code distance(q, j)} takes a row of {@code queries} and an id of {@code data}.
     */
    public static Metric of(Dataset data, Dataset queries) {
        data.checkQueries(queries);
        return switch (data.metricType()) {
            case RESIDUAL -> new ResidualMetric(queries, data);
            case EUCLIDEAN -> new EuclideanMetric(queries, data);
        };
    }

    /** Distance from query row {@code q} to dataset point {@code j}. */
    public final double distance(long q, long j) {
        return workingDistance(q, j) * unit();
    }

    /**
     * The distance as the engines compute, compare and store it: {@link #distance} divided by {@link #unit}.
     * Every engine reads distances through this method or its lane-wise twins, so all see the same bits.
     */
    public abstract double workingDistance(long q, long j);

    /**
     * The power of two that turns a working distance into the metric's own units: 1 except for Euclidean
     * coordinates of extreme magnitude, which the metric rescales so that squared differences neither overflow
     * nor underflow ({@link Dataset#coordinateExponent}). Scaling by a power of two commutes with every
     * rounding, so the answer does not depend on it.
     */
    double unit() {
        return 1;
    }

    /**
     * Turns a finished answer's working distances into the metric's own units, and fails (naming the input)
     * where float64 cannot hold or resolve one of them. Called by {@link dev.covertree.engine.knn.Knn} after every search.
     */
    public void finishAnswer(QuerySet qs, KnnResult out) {
    }

    /**
     * Bytes of one node-ordered record: a copy of everything {@link #childDistances} reads for a point,
     * so that the tree expands a node by reading one contiguous run of memory. 0 when the metric keeps
     * no copy and reads the dataset's own rows.
     */
    public abstract long recordBytes();

    /** Writes dataset point {@code j}'s record at {@code off} in {@code dst}. */
    public abstract void writeRecord(long j, MemorySegment dst, long off);

    /** Offers every allowed dataset point to {@code heap} for query row {@code row}: the scan's one query. */
    public final void scanRow(QuerySet qs, KnnOptions opt, long row, TopK heap, Worker w) {
        long limit = qs.idLimit(row, opt, data.size());
        long exclude = qs.excludedId(row, opt);
        for (long j = 0; j < limit; j++) {
            if (j != exclude) {
                heap.offer(workingDistance(row, j), j);
            }
        }
        w.distances += limit - (exclude >= 0 && exclude < limit ? 1 : 0);
    }

    /**
     * The brute force's block: offers every allowed dataset point to {@code w.heapFor(r)} for query rows
     * {@code rows[0, b)}. This default takes one query at a time; a metric with a costly per-pair product
     * blocks it (the residual metric), with the same answer. {@code product} is a BLAS matrix product the
     * metric may multiply the block with, or null.
     */
    public void searchBlock(QuerySet qs, KnnOptions opt, long[] rows, int b, Worker w, MatrixProduct product) {
        for (int r = 0; r < b; r++) {
            scanRow(qs, opt, rows[r], w.heapFor(r), w);
        }
    }

    /** Queries per brute-force block for a search of {@code queries} queries on {@code threads} threads. */
    public int bruteBlock(MatrixProduct product, long queries, int threads) {
        return Worker.BLOCK;
    }

    /** Called once per tree group before its descent (the residual metric packs the group's query rows). */
    public void prepareGroup(int g, Worker w) {
    }

    /**
     * {@code w.childDist[GROUP i + b] = distance(w.groupRow[b], w.childPoint[i])} for {@code i < count} and
     * each query b of the group whose bit is set in {@code active} (others may be filled too), reading
     * the record of node {@code w.childNode[i]} in {@code records} (the dataset when it is null). The tree
     * asks for a node's children at once, so an implementation may read each record once for the group
     * and finish lane-wise. Same numbers as {@link #distance}, bit for bit. Returns how many distances
     * it computed.
     */
    public abstract long childDistances(int g, int active, MemorySegment records, int count, Worker w);

    /**
     * True when no point of a subtree can be within {@code bound} of a query (so the subtree is skipped),
     * given the query's distance to the subtree's centre and the subtree's radius: the triangle
     * inequality, widened by how far the stored inputs may be from an exact metric (the query's
     * {@link #querySlack} and the largest {@link #dataSlack} in the subtree), so pruning never loses a
     * true neighbour, ties at the bound included.
     */
    public abstract boolean excludes(double dQueryCenter, double radius, double querySlack, double subtreeSlack, double bound);

    /**
     * Coordinate {@code k} of dataset point {@code j} in the space the bounds tree splits: the
     * lengthscale-scaled coordinates for the residual metric (where the kernel is monotone in the
     * distance), the coordinates themselves for the Euclidean metric.
     */
    public abstract double treeCoordinate(long j, int k);

    /**
     * The {@link #treeCoordinate}s of points {@code [j, j + count)}, point after point, into {@code dst} from
     * index 0: one bulk copy, for a pass over every point that runs before the JIT has compiled it.
     */
    public abstract void treeCoordinates(long j, int count, double[] dst);

    /** V columns a bounds-tree node summarises by their range (m for the residual metric, 0 otherwise). */
    public int summaryColumns() {
        return 0;
    }

    /**
     * The stored row {@code V[j]} as float64 into {@code out}, for a node's column ranges; only when
     * {@link #summaryColumns} &gt; 0.
     */
    public void summaryRow(long j, double[] out) {
        throw new UnsupportedOperationException("no column summaries for this metric");
    }

    /** The {@code 1/√p_j} a node keeps the largest of (0 where the metric has none). */
    public double summaryInvSqrtP(long j) {
        return 0;
    }

    /**
     * The computed {@code ‖V_j‖} a node keeps the largest of, from the row {@link #summaryRow} gave: the same
     * bits as {@link dev.covertree.engine.Dataset#vNorms}, so a build needs no pass over every row before its
     * first leaf. Only when {@link #summaryColumns} &gt; 0 (without columns a node's largest norm is 0).
     */
    public double summaryNorm(double[] row) {
        throw new UnsupportedOperationException("no column summaries for this metric");
    }

    /**
     * True when a bounds-tree query searched alone in node order should start with its heap capped at the k-th
     * distance of the query before it in its leaf (BoundsTreeSearch): where neighbouring points have much the same
     * k-th distance, as the residual metric's saturating distances do, the cap keeps the descent from queueing
     * nodes it will never open. The answers are the same either way.
     */
    public boolean capsFromNeighbour() {
        return false;
    }

    /**
     * True when the bounds tree should keep its leaves' {@link #treeCoordinate}s column by column and let
     * {@link #leafWithin} compute a leaf's distances from them, lane by lane: only where those coordinates
     * are what the distance reads and the lane-wise sum is the same bits as {@link #distance}'s.
     */
    public boolean leafColumns() {
        return false;
    }

    /**
     * For a metric with {@link #leafColumns}: the distances from the query with tree coordinates {@code x}
     * to the first {@code count} of the {@code stride} points whose columns start at {@code off} in {@code columns}, into
     * {@code w.leafDist}, and the indices of those within {@code bound} into {@code w.leafWithin}; returns
     * how many are within.
     */
    public int leafWithin(MemorySegment columns, long off, int stride, int count, double bound, double[] x, Worker w) {
        throw new UnsupportedOperationException("no leaf columns for this metric");
    }

    /**
     * For a metric with {@link #leafColumns}: a lower bound, as {@link #nodeLowerBound} gives for one query,
     * on the distance from every query whose tree coordinates lie in the box {@code [lo, hi]} to every point
     * of node {@code node}: an all-points job searches a run of neighbouring queries with one descent.
     */
    public double boxLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, double[] lo, double[] hi) {
        throw new UnsupportedOperationException("no box bounds for this metric");
    }

    /**
     * For a metric with {@link #leafColumns}: which of {@code count} (at most 64) queries may have a point of
     * node {@code node} within {@code bound[i]}, as a bit set: bit i is clear only where the query's
     * {@link #nodeLowerBound} exceeds its bound. The queries' tree coordinates are column by column,
     * coordinate k of query i at {@code x[k stride + i]}.
     */
    public long nodeNear(MemorySegment nodes, BoundsNodeLayout layout, int node, double[] x, int stride, int count, double[] bound) {
        throw new UnsupportedOperationException("no box bounds for this metric");
    }

    /** Loads query row {@code q}'s inputs to {@link #nodeLowerBound} into {@code w}. */
    public abstract void prepareBoundsQuery(long q, Worker w);

    /**
     * As {@link #prepareBoundsQuery(long, Worker)}, for a query that is the dataset's point {@code q}, whose
     * record ({@link #writeRecord}) is at byte {@code offset} of {@code records}: a metric may read the query's
     * values there, next to the records its neighbours' searches just read, instead of at row q of the
     * dataset's arrays, where consecutive queries in node order are far apart. Same values, same answers.
     */
    public void prepareBoundsQuery(long q, MemorySegment records, long offset, Worker w) {
        prepareBoundsQuery(q, w);
    }

    /**
     * A lower bound on the distance, <em>as {@link #distance} computes it</em> (rounding included), from the
     * query prepared in {@code w} to every point of bounds-tree node {@code node}. A node whose bound
     * exceeds the current k-th distance cannot hold a neighbour, ties included.
     */
    public abstract double nodeLowerBound(MemorySegment nodes, BoundsNodeLayout layout, int node, Worker w);

    /**
     * {@link #nodeLowerBound} of every lane of wide node {@code node} ({@link WideNodeLayout}) into
     * {@code w.wideKey}: for each lane the same number its binary node's bound is, with the same
     * {@code w.boundCutoff}. Only for a metric whose trees have a wide view (the residual metric).
     */
    public void wideLowerBounds(MemorySegment nodes, WideNodeLayout layout, int node, Worker w) {
        throw new UnsupportedOperationException("no wide bounds for this metric");
    }

    /** How far query row {@code q}'s stored values may be from an exact metric; 0 where the metric is exact. */
    public double querySlack(long q) {
        return 0;
    }

    /** The same for dataset point {@code j}; a tree node stores the largest in its subtree. */
    public double dataSlack(long j) {
        return 0;
    }

    /**
     * Checks, before a search, that the inputs agree with each other where that is cheap to see (for the
     * residual metric: p against the kernel variance and V, on a sample of points); throws
     * {@link dev.covertree.engine.InvalidInputException} naming them. Called by {@link dev.covertree.engine.knn.Knn} unless {@link KnnOptions#checkInputs}
     * is off. Nothing to check by default.
     */
    public void checkInputs() {
    }

    /**
     * Checks a finished answer for signs that the inputs contradict each other (for the residual metric:
     * kernel settings that do not belong to V and p); throws {@link dev.covertree.engine.InvalidInputException} naming them.
     * Called by {@link dev.covertree.engine.knn.Knn} unless {@link KnnOptions#checkInputs} is off. Nothing to check by default.
     */
    public void checkAnswer(QuerySet qs, KnnResult out) {
    }

    /** True when queries are the dataset's own points (query row q is point q). */
    public boolean selfQueries() {
        return queries == data;
    }

    /** The dataset searched. */
    public Dataset data() {
        return data;
    }

    /** The query points. */
    public Dataset queries() {
        return queries;
    }
}
