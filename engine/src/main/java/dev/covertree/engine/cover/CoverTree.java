package dev.covertree.engine.cover;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.internal.search.NodeLayout;
import dev.covertree.engine.internal.search.NodeOrdered;
import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;
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
 * <h2>Memory layout, and why</h2>
 * A search is bound by memory, not arithmetic: a residual distance reads a V row of m values, and a
 * node's children used to sit far apart. So the nodes are renumbered after the build ({@link dev.covertree.engine.internal.search.NodeOrder}:
 * each node's children side by side), each point's rows are copied once more in node order
 * ({@link Metric#recordBytes}), and an all-points job searches four neighbouring queries together
 * (their paths through the tree nearly coincide), so each child record read serves four distances.
 *
 * <p>The tree holds off-heap memory; close it when done. It reads the dataset's arrays, which must stay
 * alive as long as it is used.
 */
public final class CoverTree implements AutoCloseable, NodeOrdered {
    private final Dataset data;
    private final Arena arena;
    final MemorySegment nodes;
    /** Node index of each point (for seeding a query by id with its tree neighbourhood). */
    final MemorySegment nodeOf;
    /**
     * What a distance reads for each point, again, in node order ({@link Metric#recordBytes}): expanding
     * a node then reads one run of adjacent records instead of a random row per child (for the residual
     * metric, a row of m values per child; docs/benchmarks.md has the measurement). The tree
     * reads the dataset's rows only for the queries themselves, so a mapped V can leave the page cache.
     * Null when the metric keeps no copy.
     */
    private final MemorySegment records;
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
        this.records = records(Metric.of(data), arena, nodes, space);
    }

    private static MemorySegment records(Metric metric, Arena arena, MemorySegment nodes, ScratchSpace space) {
        long bytes = metric.recordBytes();
        if (bytes == 0) {
            return null;
        }
        int n = (int) (nodes.byteSize() / NodeLayout.BYTES);
        MemorySegment out = space.allocate(arena, n * bytes, space.usesFiles(n * bytes));
        for (int v = 0; v < n; v++) {
            metric.writeRecord(NodeLayout.point(nodes, v), out, v * bytes);
        }
        return out;
    }

    /**
     * Bytes a build of {@code data} allocates off-heap or in scratch files: nodes, node map, node-ordered
     * records, and the builder's work arrays.
     */
    public static long buildBytes(Dataset data) {
        long n = data.size();
        return n * (NodeLayout.BYTES + 4 + CoverTreeBuilder.SCRATCH_BYTES_PER_POINT + Metric.of(data).recordBytes());
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
                evals = new CoverTreeBuilder(Metric.of(data), nodes, pool, progress != null ? progress : x -> { })
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
    @Override
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
        return nodes.byteSize() + nodeOf.byteSize() + (records == null ? 0 : records.byteSize());
    }

    /** The point stored at node {@code node} ({@link dev.covertree.engine.internal.search.NodeOrder}). */
    @Override
    public long pointAt(long node) {
        return NodeLayout.point(nodes, (int) node);
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
        return load(path, data, ScratchSpace.auto());
    }

    /**
     * As {@link #load(Path, Dataset)}, with the node-ordered copy of each point's rows (as large as V for
     * the residual metric) where {@code space} puts it.
     */
    public static CoverTree load(Path path, Dataset data, ScratchSpace space) throws IOException {
        return CoverTreeFile.load(path, data, space);
    }

    /** The segments a saved tree holds after its header, in file order: nodes, then the point-to-node map. */
    MemorySegment[] segmentsToSave() {
        return new MemorySegment[] {nodes, nodeOf};
    }

    /** Checks every invariant and every stored radius; throws {@link IllegalStateException} on the first violation. */
    public void validate() {
        CoverTreeValidator.validate(this, Metric.of(data));
    }

    /**
     * Searches for a group of {@code g} (at most {@link Worker#GROUP}) queries at once: query b is row
     * {@code w.groupRow[b]}, may return ids other than {@code w.groupExclude[b]} and below
     * {@code w.groupLimit[b]}, and gets its k nearest in {@code w.heapFor(b)}. The group descends
     * together: a node is expanded while any of its queries may find a neighbour below it, and its
     * children's distances are computed for all of them in one pass over their records. Neighbouring
     * queries visit nearly the same nodes, so that pass reads each record once for the group. Each query
     * prunes with its own bound, so its answer is the one it would get alone.
     */
    void search(Metric metric, int g, boolean seed, Worker w) {
        int all = 0;
        for (int b = 0; b < g; b++) {
            w.heapFor(b).clear();
            if (seed) {
                seedFromNeighbourhood(metric, w.groupRow[b], w.groupExclude[b], w.groupLimit[b], w.heapFor(b), w);
            }
            w.groupSlack[b] = metric.querySlack(w.groupRow[b]);
            all |= NodeLayout.minId(nodes, 0) < w.groupLimit[b] ? 1 << b : 0;
        }
        w.top = 0;
        if (all == 0) {
            return;
        }
        metric.prepareGroup(g, w);
        w.childNode[0] = 0;
        w.childPoint[0] = NodeLayout.point(nodes, 0);
        w.distances += metric.childDistances(g, all, records, 1, w);
        w.push(0, all, 0, 0);
        while (w.top > 0) {
            w.top--;
            int node = w.stackNode[w.top];
            int mask = w.stackMask[w.top];
            int at = Worker.GROUP * w.top;
            double maxDist = NodeLayout.maxDist(nodes, node);
            double slack = NodeLayout.slack(nodes, node);
            long pt = NodeLayout.point(nodes, node);
            int active = 0;
            long limit = 0;
            for (int b = 0; b < g; b++) {
                if ((mask & 1 << b) == 0) {
                    continue;
                }
                TopK heap = w.heapFor(b);
                double dn = w.stackDist[at + b];
                if (metric.excludes(dn, maxDist, w.groupSlack[b], slack, heap.bound())) {
                    continue;
                }
                active |= 1 << b;
                limit = Math.max(limit, w.groupLimit[b]);
                if (pt != w.groupExclude[b] && pt < w.groupLimit[b]) {
                    heap.offerUnique(dn, pt);
                }
            }
            if (active == 0) {
                continue;
            }
            w.nodes++;
            int count = 0;
            int first = NodeLayout.firstChild(nodes, node);
            int children = NodeLayout.childCount(nodes, node);
            w.ensureChildren(children);
            for (int c = first; c < first + children; c++) {
                if (NodeLayout.minId(nodes, c) < limit) {
                    w.childNode[count] = c;
                    w.childPoint[count] = NodeLayout.point(nodes, c);
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            w.distances += metric.childDistances(g, active, records, count, w);
            int from = w.top;
            for (int i = 0; i < count; i++) {
                int c = w.childNode[i];
                double cMax = NodeLayout.maxDist(nodes, c);
                double cSlack = NodeLayout.slack(nodes, c);
                long cMin = NodeLayout.minId(nodes, c);
                int cMask = 0;
                double key = Double.POSITIVE_INFINITY;
                for (int b = 0; b < g; b++) {
                    double dc = w.childDist[Worker.GROUP * i + b];
                    if ((active & 1 << b) != 0 && cMin < w.groupLimit[b]
                            && !metric.excludes(dc, cMax, w.groupSlack[b], cSlack, w.heapFor(b).bound())) {
                        cMask |= 1 << b;
                        key = Math.min(key, dc);
                    }
                }
                if (cMask != 0) {
                    w.push(c, cMask, key, i);
                }
            }
            w.sortPushedFarthestFirst(from);
        }
    }

    /**
     * Offers the query point's tree neighbours (its siblings and children) to {@code heap} before the
     * descent, so the k-th distance is already small when pruning starts. Costs a few distances, changes
     * no answer.
     */
    private void seedFromNeighbourhood(Metric metric, long row, long exclude, long limit, TopK heap, Worker w) {
        int self = nodeOf.getAtIndex(ValueLayout.JAVA_INT, row);
        int parent = NodeLayout.parent(nodes, self);
        int budget = 4 * heap.capacity();
        budget = offerChildren(metric, row, exclude, limit, parent == NodeLayout.NONE ? self : parent, budget, heap, w);
        offerChildren(metric, row, exclude, limit, self, budget, heap, w);
    }

    private int offerChildren(Metric metric, long row, long exclude, long limit, int node, int budget, TopK heap, Worker w) {
        int first = NodeLayout.firstChild(nodes, node);
        for (int c = first; c < first + NodeLayout.childCount(nodes, node) && budget > 0; c++) {
            long pt = NodeLayout.point(nodes, c);
            if (pt != exclude && pt < limit) {
                heap.offerUnique(metric.workingDistance(row, pt), pt);
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

    /** The {@link dev.covertree.engine.Engine#TREE} engine over this tree, for a plan to hand queries to. */
    public SearchEngine searchEngine() {
        return new CoverTreeSearch(this);
    }
}
