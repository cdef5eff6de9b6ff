package dev.covertree.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongConsumer;

/**
 * A cover tree over a dataset, its nodes flat structs in an off-heap segment ({@link NodeLayout}).
 *
 * <h2>Which cover tree</h2>
 * Each point is exactly one node, as in Izbicki and Shelton's simplified cover tree (2015), so a query
 * computes each distance at most once. It is built top-down by batch construction (the construction of
 * Beygelzimer, Kakade and Langford, 2006, with their implicit self-children folded into the parent):
 * a node p with descendants S takes, level by level from the top, the points of S farther than 2^l as
 * children at level l, chosen greedily so that each covers the points within 2^l of it; the rest stay
 * with p for the next level down. This gives
 * <ul>
 *   <li>covering: a child c at level l satisfies {@code 2^l < d(p, c) ≤ 2^(l+1)};</li>
 *   <li>separation: children of one node at one level are more than 2^l apart;</li>
 *   <li>duplicates (distance 0) become children at {@link NodeLayout#BOTTOM}: no runaway depth.</li>
 * </ul>
 * Pruning never relies on those radii: each node stores the exact largest distance to any of its
 * descendants (known for free during the build), and the smallest descendant id for predecessor mode.
 * Subtrees are independent, so they are built in parallel (fork/join); decisions within a node are
 * sequential, so the tree is the same for every thread count. The top-down batch build was chosen over
 * Gu et al.'s parallel insertion (2022) because it needs no locks and its parallelism is exactly the
 * subtree structure.
 *
 * <p>The tree holds off-heap memory; close it when done. It reads the dataset's arrays, which must stay
 * alive as long as it is used.
 */
public final class CoverTree implements AutoCloseable {
    /** Up to this dimension a Euclidean tree keeps its own node-ordered copy of the coordinates. */
    static final int MAX_COPIED_DIMENSION = 32;

    private final Dataset data;
    private final Arena arena;
    final MemorySegment nodes;
    /** Node index of each point (for seeding a query by id with its tree neighbourhood). */
    final MemorySegment nodeOf;
    /**
     * Euclidean, low dimension: the coordinate rows again, in node order, so that a descent reads
     * neighbouring memory instead of a random row per child (2.6x faster queries at N = 2^18). Null
     * otherwise: a residual row is m values, too big to copy.
     */
    private final MemorySegment nodeRows;
    private final long buildDistances;
    private final double buildSeconds;

    CoverTree(Dataset data, Arena arena, MemorySegment nodes, MemorySegment nodeOf, long buildDistances,
              double buildSeconds, ScratchSpace space) {
        this.data = data;
        this.arena = arena;
        this.nodes = nodes;
        this.nodeOf = nodeOf;
        this.buildDistances = buildDistances;
        this.buildSeconds = buildSeconds;
        this.nodeRows = nodeRows(data, arena, nodes, space);
    }

    private static boolean copiesRows(Dataset data) {
        return data.metricType() == MetricType.EUCLIDEAN && data.dimension() <= MAX_COPIED_DIMENSION;
    }

    private static long rowBytes(Dataset data) {
        return data.coords().cols() * data.coords().dtype().itemSize();
    }

    private static MemorySegment nodeRows(Dataset data, Arena arena, MemorySegment nodes, ScratchSpace space) {
        if (!copiesRows(data)) {
            return null;
        }
        Matrix c = data.coords();
        long rowBytes = rowBytes(data);
        long n = data.size();
        MemorySegment rows = space.allocate(arena, n * rowBytes, space.usesFiles(n * rowBytes));
        for (int v = 0; v < n; v++) {
            MemorySegment.copy(c.segment(), c.rowOffset(NodeLayout.point(nodes, v)), rows, v * rowBytes, rowBytes);
        }
        return rows;
    }

    /**
     * Bytes a build of {@code data} allocates off-heap or in scratch files: nodes, node map, the
     * node-ordered coordinates of a low-dimensional Euclidean tree, and the builder's work arrays.
     */
    public static long buildBytes(Dataset data) {
        long n = data.size();
        return n * (NodeLayout.BYTES + 4 + CoverTreeBuilder.SCRATCH_BYTES_PER_POINT + (copiesRows(data) ? rowBytes(data) : 0));
    }

    /** Builds the tree with {@code threads} threads, its arrays where {@link ScratchSpace#auto()} puts them. */
    public static CoverTree build(Dataset data, int threads) {
        return build(data, threads, ScratchSpace.auto());
    }

    /**
     * Builds the tree with {@code threads} threads; its nodes and the build's work arrays live in native
     * memory or in memory-mapped temporary files, as {@code space} decides for {@link #buildBytes}.
     */
    public static CoverTree build(Dataset data, int threads, ScratchSpace space) {
        return build(data, threads, space, null);
    }

    /** As {@link #build(Dataset, int, ScratchSpace)}, telling {@code progress} (if not null) how many more nodes are placed. */
    public static CoverTree build(Dataset data, int threads, ScratchSpace space, LongConsumer progress) {
        if (threads < 1) {
            throw new InvalidInputException("threads must be >= 1, got " + threads);
        }
        data.checkSharedAccess("building a tree");
        long t0 = System.nanoTime();
        boolean inFiles = space.usesFiles(buildBytes(data));
        Arena arena = Arena.ofShared();
        try {
            int n = (int) data.size();
            MemorySegment nodes = space.allocate(arena, n * NodeLayout.BYTES, inFiles);
            ForkJoinPool pool = new ForkJoinPool(threads);
            long evals;
            try {
                evals = new CoverTreeBuilder(data.metric(), nodes, pool, progress != null ? progress : x -> { })
                        .build(space, inFiles);
            } finally {
                pool.shutdown();
            }
            MemorySegment nodeOf = space.allocate(arena, 4L * n, inFiles);
            for (int i = 0; i < n; i++) {
                nodeOf.setAtIndex(ValueLayout.JAVA_INT, NodeLayout.point(nodes, i), i);
            }
            return new CoverTree(data, arena, nodes, nodeOf, evals, (System.nanoTime() - t0) / 1e9, space);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The dataset the tree was built over. */
    public Dataset data() {
        return data;
    }

    /** Number of nodes (= points). */
    public long size() {
        return nodes.byteSize() / NodeLayout.BYTES;
    }

    /** Distances computed by the build. */
    public long buildDistances() {
        return buildDistances;
    }

    /** Wall-clock seconds the build took. */
    public double buildSeconds() {
        return buildSeconds;
    }

    /** Bytes of node storage. */
    public long byteSize() {
        return nodes.byteSize() + nodeOf.byteSize() + (nodeRows == null ? 0 : nodeRows.byteSize());
    }

    /** The point stored at node {@code node} (depth-first order). */
    long pointAt(long node) {
        return NodeLayout.point(nodes, (int) node);
    }

    /** The points of {@code count} consecutive nodes from the middle of the depth-first order. */
    long[] middleOfNodeOrder(int count) {
        int c = (int) Math.min(count, size());
        long from = (size() - c) / 2;
        long[] out = new long[c];
        for (int i = 0; i < c; i++) {
            out[i] = pointAt(from + i);
        }
        return out;
    }

    /** The level of the root (its children are within 2^level of it). */
    public int rootLevel() {
        return NodeLayout.level(nodes, 0);
    }

    /**
     * Saves the tree as a {@code .ctree} file (written under a temporary name, then renamed), to be mapped
     * back by {@link #load} with no parsing.
     */
    public void save(Path path, boolean overwrite) throws IOException {
        CoverTreeFile.save(this, path, overwrite);
    }

    /**
     * Maps a saved tree; the node segment is the file itself. Fails with a clear error when the file was
     * built from another dataset (sizes, kernel, or a fingerprint of sampled rows differ).
     */
    public static CoverTree load(Path path, Dataset data) throws IOException {
        return CoverTreeFile.load(path, data);
    }

    /** Checks every invariant and every stored radius; throws {@link IllegalStateException} on the first violation. */
    public void validate() {
        CoverTreeValidator.validate(this, data.metric());
    }

    /**
     * Adds the k nearest allowed points to {@code w.heap}: ids other than {@code exclude} and below
     * {@code limit}.
     */
    void search(Metric metric, long row, long exclude, long limit, boolean seed, Worker w) {
        TopK heap = w.heap;
        if (seed) {
            seedFromNeighbourhood(metric, row, exclude, limit, w);
        }
        w.top = 0;
        if (NodeLayout.minId(nodes, 0) >= limit) {
            return;
        }
        double qSlack = metric.querySlack(row);
        w.push(0, metric.distance(row, NodeLayout.point(nodes, 0)));
        w.distances++;
        while (w.top > 0) {
            w.top--;
            int node = w.stackNode[w.top];
            double dn = w.stackDist[w.top];
            double bound = heap.bound();
            if (metric.excludes(dn, NodeLayout.maxDist(nodes, node), qSlack, NodeLayout.slack(nodes, node), bound)) {
                continue;
            }
            w.nodes++;
            long pt = NodeLayout.point(nodes, node);
            if (pt != exclude && pt < limit) {
                heap.offer(dn, pt);
                bound = heap.bound();
            }
            int count = 0;
            for (int c = NodeLayout.firstChild(nodes, node); c != NodeLayout.NONE; c = NodeLayout.nextSibling(nodes, c)) {
                if (NodeLayout.minId(nodes, c) < limit) {
                    w.ensureChildren(count + 1);
                    w.childNode[count] = c;
                    w.childPoint[count] = NodeLayout.point(nodes, c);
                    count++;
                }
            }
            childDistances(metric, row, count, w);
            w.distances += count;
            int from = w.top;
            for (int i = 0; i < count; i++) {
                int c = w.childNode[i];
                double dc = w.childDist[i];
                if (!metric.excludes(dc, NodeLayout.maxDist(nodes, c), qSlack, NodeLayout.slack(nodes, c), bound)) {
                    w.push(c, dc);
                }
            }
            w.sortPushedFarthestFirst(from);
        }
    }

    private void childDistances(Metric metric, long row, int count, Worker w) {
        if (nodeRows == null) {
            metric.distances(row, w.childPoint, count, w.childDist, w);
            return;
        }
        EuclideanMetric em = (EuclideanMetric) metric;
        for (int i = 0; i < count; i++) {
            w.childDist[i] = em.distanceToCopy(row, nodeRows, w.childNode[i]);
        }
    }

    /**
     * Offers the query point's tree neighbours (its siblings and children) before the descent, so the
     * k-th distance is already small when pruning starts. Costs a few distances, changes no answer.
     */
    private void seedFromNeighbourhood(Metric metric, long row, long exclude, long limit, Worker w) {
        int self = nodeOf.getAtIndex(ValueLayout.JAVA_INT, row);
        int parent = NodeLayout.parent(nodes, self);
        int budget = 4 * w.heap.capacity();
        budget = offerChildren(metric, row, exclude, limit, parent == NodeLayout.NONE ? self : parent, budget, w);
        offerChildren(metric, row, exclude, limit, self, budget, w);
    }

    private int offerChildren(Metric metric, long row, long exclude, long limit, int node, int budget, Worker w) {
        for (int c = NodeLayout.firstChild(nodes, node); c != NodeLayout.NONE && budget > 0; c = NodeLayout.nextSibling(nodes, c)) {
            long pt = NodeLayout.point(nodes, c);
            if (pt != exclude && pt < limit) {
                w.heap.offer(metric.distance(row, pt), pt);
                w.distances++;
                budget--;
            }
        }
        return budget;
    }

    /** Frees the nodes. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
