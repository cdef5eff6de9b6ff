package dev.covertree.engine.bounds;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.NodeOrdered;
import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.search.WideNodeLayout;
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
import java.util.function.LongFunction;

/**
 * A k-d tree over a dataset's tree coordinates ({@link Metric#treeCoordinate}: the lengthscale-scaled
 * coordinates for the residual metric) whose nodes carry what bounds a distance without the triangle
 * inequality: the bounding box, and for the residual metric each V column's range and the largest
 * {@code 1/√p} of the node's points ({@link BoundsNodeLayout}).
 *
 * <h2>Why a second tree</h2>
 * Where the residual metric saturates (a spatial field, a lengthscale short against the domain, few
 * inducing points, p near σ²) almost every pair is at distance ≈ 1, the cover tree's triangle inequality
 * prunes nothing and its build alone is quadratic. But |ρ| is small far away for a reason the metric's
 * structure shows: the kernel decays over a box in coordinates and V varies little within it. The bound
 * of {@link Metric#nodeLowerBound} uses exactly that; on ill-conditioned data (p near the jitter) it prunes
 * nothing and the brute force is the engine to use, and on 3-D data with many inducing points the cover
 * tree prunes better. {@link dev.covertree.engine.knn.EnginePlan} measures.
 *
 * <h2>Layout</h2>
 * Built by median splits of the widest box side, leaves of a few dozen points. The split of a
 * node depends only on its size, so the node numbering is known before a subtree is built: subtrees are
 * built in parallel into disjoint ranges of the node segment, and the tree is the same for every thread
 * count. The points are renumbered in node order ({@link #pointAt}) and each point's record (the rows a
 * distance reads, {@link Metric#recordBytes}) is copied in that order, so a leaf is one sequential run of
 * memory. Where the metric asks for it ({@link Metric#leafColumns}: Euclidean in few dimensions) a leaf
 * keeps its coordinates column by column instead, and its distances are computed several points per vector
 * instruction, only those within the k-th reaching the heap.
 *
 * <p>The tree holds off-heap memory (or mapped scratch files, as {@link ScratchSpace} decides); close it
 * when done. It reads the dataset's arrays, which must stay alive as long as it is used.
 */
public final class BoundsTree implements AutoCloseable, NodeOrdered {
    /** Most points in a leaf. */
    static final int LEAF = BoundsNodeLayout.LEAF_POINTS;
    /** Queries of an all-points job that share one descent ({@link #searchBatch}). */
    static final int BATCH = Worker.BATCH;
    /** The smallest prefix tree a plan makes ({@link #buildPrefixes}): below it a query's whole prefix is a few leaves. */
    public static final int MIN_PREFIX = 256;
    private static final BoundsTree[] NO_PREFIXES = {};

    private final Dataset data;
    private final Arena arena;
    private final BoundsNodeLayout layout;
    private final MemorySegment nodes;
    private final MemorySegment order;
    private final MemorySegment records;
    private final int nodeCount;
    private double buildSeconds;
    /**
     * Trees over the first ⌈N/4⌉, ⌈N/16⌉, … points ({@link #buildPrefixes}), largest first; empty unless a
     * predecessor search asked for them.
     */
    private BoundsTree[] prefixes = NO_PREFIXES;
    /** The records are each leaf's coordinates column by column ({@link Metric#leafColumns}). */
    private final boolean columns;
    /** The residual search's wide view of the nodes ({@link WideNodes}); null for the Euclidean metric. */
    private final WideNodes wide;
    /** {@code -Dcovertree.wideNodes=false}: the residual search descends the binary nodes, for comparison. */
    static final boolean WIDE = Boolean.parseBoolean(System.getProperty("covertree.wideNodes", "true"));

    /** Whether a tree for {@code metric} has a wide view: one with column summaries (residual) and per-point records. */
    private static boolean hasWideView(Metric metric) {
        return WIDE && !metric.leafColumns() && metric.summaryColumns() > 0;
    }

    private BoundsTree(Dataset data, Arena arena, BoundsNodeLayout layout, MemorySegment nodes, MemorySegment order,
                       MemorySegment records, int nodeCount, double buildSeconds, LongFunction<MemorySegment> wideMemory) {
        this.data = data;
        this.arena = arena;
        this.layout = layout;
        this.nodes = nodes;
        this.order = order;
        this.records = records;
        this.nodeCount = nodeCount;
        this.buildSeconds = buildSeconds;
        Metric metric = Metric.of(data);
        this.columns = metric.leafColumns();
        this.wide = hasWideView(metric) ? WideNodes.of(layout, nodes, nodeCount, wideMemory) : null;
    }

    /**
     * Bytes a build of {@code data} allocates: nodes, the node order, records, the residual search's wide view (at
     * most) and the builder's coordinates.
     */
    public static long buildBytes(Dataset data) {
        Metric metric = Metric.of(data);
        long n = data.size();
        BoundsNodeLayout layout = new BoundsNodeLayout(data.dimension(), metric.summaryColumns(),
                BoundsNodeLayout.nodeCount((int) n, LEAF));
        long record = metric.leafColumns() ? 8L * data.dimension() : metric.recordBytes();
        long wide = !hasWideView(metric) ? 0
                : WideNodeLayout.byteSizeAtMost(data.dimension(), metric.summaryColumns(), BoundsNodeLayout.nodeCount((int) n, LEAF));
        return layout.byteSize() + n * (4 + record + 8L * data.dimension()) + wide;
    }

    /** Builds the tree with {@code threads} threads, its arrays where {@code space} puts them. */
    public static BoundsTree build(Dataset data, int threads, ScratchSpace space) {
        return build(data, threads, space, null);
    }

    /** As {@link #build(Dataset, int, ScratchSpace)}, telling {@code progress} (if not null) how many more points are placed. */
    public static BoundsTree build(Dataset data, int threads, ScratchSpace space, LongConsumer progress) {
        if (threads < 1) {
            throw new InvalidInputException("threads must be >= 1, got " + threads);
        }
        data.checkSharedAccess("building a tree");
        long t0 = System.nanoTime();
        Metric metric = Metric.of(data);
        int n = (int) data.size();
        boolean inFiles = space.usesFiles(buildBytes(data));
        Arena arena = Arena.ofShared();
        try {
            int count = BoundsNodeLayout.nodeCount(n, LEAF);
            BoundsNodeLayout layout = new BoundsNodeLayout(data.dimension(), metric.summaryColumns(), count);
            MemorySegment nodes = space.allocate(arena, layout.byteSize(), inFiles, threads);
            MemorySegment order = space.allocate(arena, 4L * n, inFiles, threads);
            long bytes = metric.recordBytes();
            // leaf columns: each leaf's coordinates, coordinate k of its i-th point at d start + k size + i;
            // otherwise each point's record at its node-order position (both written by the build's leaf tasks)
            MemorySegment records = metric.leafColumns() ? space.allocate(arena, 8L * n * data.dimension(), inFiles, threads)
                    : bytes > 0 ? space.allocate(arena, n * bytes, inFiles, threads) : null;
            try (Arena work = Arena.ofShared()) {
                MemorySegment coords = space.allocate(work, 8L * n * data.dimension(), inFiles, threads);
                ForkJoinPool pool = new ForkJoinPool(threads);
                try {
                    new BoundsTreeBuilder(metric, layout, nodes, order, coords, records, progress).build(pool, n);
                } finally {
                    pool.shutdown();
                }
            }
            // the wide view where the tree is: in files when the tree's arrays went to files
            return new BoundsTree(data, arena, layout, nodes, order, records, count, (System.nanoTime() - t0) / 1e9,
                    size -> space.allocate(arena, size, inFiles, threads));
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** A tree whose arrays are a saved file's, mapped ({@link BoundsTreeFile}). */
    static BoundsTree mapped(Dataset data, Arena arena, BoundsNodeLayout layout, MemorySegment nodes, MemorySegment order,
                             MemorySegment records, int nodeCount) {
        ScratchSpace space = ScratchSpace.auto();
        return new BoundsTree(data, arena, layout, nodes, order, records, nodeCount, 0,
                bytes -> space.allocate(arena, bytes, space.usesFiles(bytes)));
    }

    /** Saves the tree (a {@code .btree} file) under a temporary name, renamed into place when complete. */
    public void save(Path path, boolean overwrite) throws IOException {
        BoundsTreeFile.save(this, nodes, order, records, path, overwrite);
    }

    /**
     * Maps a saved tree; its nodes, node order and records are the file itself. Fails with a clear error
     * when the file was built from another dataset (sizes, kernel, or a fingerprint of sampled rows differ)
     * or by a build of another layout.
     */
    public static BoundsTree load(Path path, Dataset data) throws IOException {
        return BoundsTreeFile.load(path, data);
    }

    /** The dataset the tree was built over. */
    public Dataset data() {
        return data;
    }

    /** Number of points. */
    @Override
    public long size() {
        return data.size();
    }

    /** Number of nodes. */
    public int nodeCount() {
        return nodeCount;
    }

    /**
     * Builds trees over the first ⌈N/4⌉, ⌈N/16⌉, … points (down to {@code minRows}), for a predecessor
     * search: a query that may only see ids below L then searches the smallest of them holding all L ids,
     * where at least a quarter of the points are its candidates, instead of a tree whose candidates for it
     * are L of N, sparse, so that its k nearest lie far apart and the search opens many nodes to find them.
     * Together they hold a third as many points as this tree; their build time counts in {@link #buildSeconds}.
     * The same answer with or without them.
     */
    public void buildPrefixes(int threads, ScratchSpace space, long minRows) {
        if (prefixes.length > 0) {
            return;
        }
        java.util.List<BoundsTree> built = new java.util.ArrayList<>();
        try {
            for (long rows = (size() + 3) / 4; rows >= Math.max(1, minRows); rows = (rows + 3) / 4) {
                BoundsTree t = build(data.prefix(rows), threads, space);
                built.add(t);
                buildSeconds += t.buildSeconds;
            }
        } catch (RuntimeException | Error e) {
            built.forEach(BoundsTree::close);
            throw e;
        }
        prefixes = built.toArray(NO_PREFIXES);
    }

    /** How many trees a search chooses from: this one and its {@link #buildPrefixes prefix trees}. */
    int levels() {
        return 1 + prefixes.length;
    }

    /** The level of the smallest tree that holds every id below {@code limit}: 0 for this one, i for prefix i − 1. */
    int levelFor(long limit) {
        for (int i = prefixes.length; i > 0; i--) {
            if (prefixes[i - 1].size() >= limit) {
                return i;
            }
        }
        return 0;
    }

    /** The tree at {@code level} ({@link #levelFor}). */
    BoundsTree atLevel(int level) {
        return level == 0 ? this : prefixes[level - 1];
    }

    /** The residual search's wide view, or null (the Euclidean metric). */
    WideNodes wide() {
        return wide;
    }

    /** Wall-clock seconds the build took. */
    public double buildSeconds() {
        return buildSeconds;
    }

    /**
     * Bytes of tree storage: nodes, node order, records and the wide view, with its {@link #buildPrefixes prefix
     * trees}'.
     */
    public long byteSize() {
        long bytes = nodes.byteSize() + order.byteSize() + (records == null ? 0 : records.byteSize())
                + (wide == null ? 0 : wide.nodes().byteSize());
        for (BoundsTree p : prefixes) {
            bytes += p.byteSize();
        }
        return bytes;
    }

    /** The point at node-order position {@code pos}. */
    @Override
    public long pointAt(long pos) {
        return order.getAtIndex(ValueLayout.JAVA_INT, pos);
    }

    MemorySegment records() {
        return records;
    }

    /** The layout of the node structs (the max-min ordering walks the nodes itself). */
    public BoundsNodeLayout layout() {
        return layout;
    }

    /** The node structs, in the layout of {@link #layout}. */
    public MemorySegment nodes() {
        return nodes;
    }

    /** Checks every summary against the points below it; throws {@link IllegalStateException} on the first violation. */
    public void validate() {
        BoundsTreeValidator.validate(this, Metric.of(data), layout, nodes);
    }

    /**
     * The k nearest of query row {@code row} into {@code heap}: ids below {@code limit}, never
     * {@code skip} (the query itself, when queries are dataset points; the caller offers it when it
     * counts). Best first: nodes wait in a queue ordered by their lower bound, and the search stops when the
     * smallest bound left exceeds the k-th distance. So it opens exactly the nodes whose bound is within the
     * final k-th distance (ties included), where a depth-first descent also opens those within the k-th
     * distance of the moment, which in predecessor mode stays large for long. {@code position} is the
     * query's node-order position in this tree when it is one of the tree's points (its record is read
     * there, see {@link Metric#prepareBoundsQuery(long, MemorySegment, long, Worker)}), otherwise -1.
     */
    void search(Metric metric, long row, long position, long skip, long limit, TopK heap, Worker w) {
        // with leaf columns the records are not per point
        if (position >= 0 && records != null && !columns) {
            metric.prepareBoundsQuery(row, records, position * metric.recordBytes(), w);
        } else {
            metric.prepareBoundsQuery(row, w);
        }
        BoundsTree t = atLevel(levelFor(limit));
        if (t.wide != null) {
            t.descendWide(metric, row, skip, limit, heap, w);
        } else {
            t.descend(metric, row, skip, limit, heap, w);
        }
    }

    /** {@link #search} in this tree, for query row {@code row}, which {@code w} has been prepared for. */
    private void descend(Metric metric, long row, long skip, long limit, TopK heap, Worker w) {
        w.groupRow[0] = row;
        w.queueSize = 0;
        w.boundCutoff = heap.bound();
        // the root is queued whatever it holds, on its bound: the loop's first test prunes it on that bound, and
        // its children's own test closes a subtree without candidates. A query without any (the first point of
        // a predecessor search) then takes no branch of its own, which the JIT would compile as never taken
        // and, when that one query comes, have to compile the whole search again for, in the middle of it
        w.enqueue(0, metric.nodeLowerBound(nodes, layout, 0, w));
        w.ensureChildren(LEAF);
        // the node to open next without the queue: a child whose bound is below every queued one is the one the
        // queue would hand back at once (on a tie the queue decides), so the descent to the query's nearest
        // leaf skips a push and a pop at every level; NONE when the queue decides
        int next = NONE;
        while (next != NONE || w.queueSize > 0) {
            int node = next;
            if (node == NONE) {
                if (w.queueKey[0] > heap.bound()) {
                    break;
                }
                node = w.dequeue();
            }
            next = NONE;
            w.nodes++;
            int right = layout.right(nodes, node);
            if (right == BoundsNodeLayout.LEAF && columns) {
                scanColumns(metric, node, w.boxQuery, limit, skip, heap, w);
                continue;
            }
            if (right == BoundsNodeLayout.LEAF) {
                leaf(metric, node, skip, limit, heap, w);
                continue;
            }
            double bound = heap.bound();
            w.boundCutoff = bound;
            int left = node + 1;
            // of two open children the nearer goes first, the other to the queue, and on a tie both to the queue
            double lb = openKey(metric, left, limit, bound, w);
            double rb = openKey(metric, right, limit, bound, w);
            boolean leftOpen = lb != CLOSED;
            boolean rightOpen = rb != CLOSED;
            if (leftOpen && rightOpen) {
                if (lb < rb) {
                    w.enqueue(right, rb);
                    next = nextOrQueued(left, lb, w);
                } else if (rb < lb) {
                    w.enqueue(left, lb);
                    next = nextOrQueued(right, rb, w);
                } else {
                    w.enqueue(left, lb);
                    w.enqueue(right, rb);
                }
            } else if (leftOpen) {
                next = nextOrQueued(left, lb, w);
            } else if (rightOpen) {
                next = nextOrQueued(right, rb, w);
            }
        }
    }

    /** Leaf {@code node}'s distances to the query of {@code w} (ids below {@code limit}, never {@code skip}) offered to {@code heap}. */
    private void leaf(Metric metric, int node, long skip, long limit, TopK heap, Worker w) {
        int count = 0;
        int start = layout.start(nodes, node);
        for (int pos = start, end = start + candidates(start, layout.end(nodes, node), limit); pos < end; pos++) {
            long id = order.getAtIndex(ValueLayout.JAVA_INT, pos);
            if (id != skip) {
                w.childNode[count] = pos;
                w.childPoint[count] = id;
                count++;
            }
        }
        if (count > 0) {
            w.distances += metric.childDistances(1, 1, records, count, w);
            w.queryDistances += count;
            for (int i = 0; i < count; i++) {
                heap.offer(w.childDist[Worker.GROUP * i], w.childPoint[i]);
            }
        }
    }

    /**
     * {@link #descend} over the wide view: best first as there, a queue entry per wide node (code {@code ≥ 0}) or
     * leaf ({@code ~leaf}), opened when its bound is not above the k-th distance. Opening a wide node bounds its
     * lanes at once ({@link Metric#wideLowerBounds}, each lane the bound its binary node has) and queues the open
     * ones (an id below {@code limit}, a bound not above the k-th); the nearest goes next without the queue when
     * its bound is below every queued one, as in {@link #descend}. A lane is open exactly when {@link #descend}
     * would open its binary node having opened its ancestors, so the same leaves are searched.
     */
    private void descendWide(Metric metric, long row, long skip, long limit, TopK heap, Worker w) {
        MemorySegment wn = wide.nodes();
        WideNodeLayout wl = wide.layout();
        w.groupRow[0] = row;
        w.queueSize = 0;
        w.ensureChildren(LEAF);
        int next = 0;
        double[] key = w.wideKey;
        while (next != NONE || w.queueSize > 0) {
            int code = next;
            if (code == NONE) {
                if (w.queueKey[0] > heap.bound()) {
                    break;
                }
                code = w.dequeue();
            }
            next = NONE;
            w.nodes++;
            if (code < 0) {
                leaf(metric, ~code, skip, limit, heap, w);
                continue;
            }
            double bound = heap.bound();
            w.boundCutoff = bound;
            metric.wideLowerBounds(wn, wl, code, w);
            int best = -1;
            for (int l = 0, lanes = wl.lanes(wn, code); l < lanes; l++) {
                if (wl.minId(wn, code, l) < limit && !(key[l] > bound)) {
                    if (best < 0 || key[l] < key[best]) {
                        if (best >= 0) {
                            w.enqueue(wl.child(wn, code, best), key[best]);
                        }
                        best = l;
                    } else {
                        w.enqueue(wl.child(wn, code, l), key[l]);
                    }
                }
            }
            if (best >= 0) {
                next = nextOrQueued(wl.child(wn, code, best), key[best], w);
            }
        }
    }

    /** The descents' "no node chosen": no node, wide node or leaf code ({@code ~leaf}) has this value. */
    private static final int NONE = Integer.MIN_VALUE;

    /**
     * {@code node} (bound {@code key}) as the next to open when every queued node's bound is above it, which the
     * queue would then hand back at once; otherwise queued, and {@link #NONE}. On a tie the queue decides.
     */
    private static int nextOrQueued(int node, double key, Worker w) {
        if (w.queueSize == 0 || key < w.queueKey[0]) {
            return node;
        }
        w.enqueue(node, key);
        return NONE;
    }

    /**
     * How many points of the leaf at node-order positions {@code [start, end)} have ids below {@code limit}: a
     * leaf's ids increase, so a predecessor query's candidates in it are its first that many.
     */
    private int candidates(int start, int end, long limit) {
        if (order.getAtIndex(ValueLayout.JAVA_INT, end - 1) < limit) {
            return end - start;
        }
        int below = 0;
        while (order.getAtIndex(ValueLayout.JAVA_INT, start + below) < limit) {
            below++;
        }
        return below;
    }

    /** {@link #openKey}'s answer for a node that is not open: below every bound, which are never negative. */
    private static final double CLOSED = -1;

    /**
     * The bound of {@code node} for the query of {@code w} when the node is open: it holds an id below
     * {@code limit} and its bound is not above {@code bound} (a NaN bound prunes nothing); {@link #CLOSED} otherwise.
     */
    private double openKey(Metric metric, int node, long limit, double bound, Worker w) {
        if (layout.minId(nodes, node) < limit) {
            double b = metric.nodeLowerBound(nodes, layout, node, w);
            if (!(b > bound)) {
                return b;
            }
        }
        return CLOSED;
    }

    /**
     * Pushes the children that may hold a neighbour (open, and a bound not above {@code bound}), the nearer
     * last, so that it is searched first; of two at exactly {@code bound}, the one with the smaller ids
     ({@code leftIdsFirst}), whose ties are the ones that can still enter.
     */
    private static void pushChildren(Worker w, int left, boolean leftOpen, double lb, int right, boolean rightOpen, double rb,
                                     double bound, boolean leftIdsFirst) {
        leftOpen &= !(lb > bound);
        rightOpen &= !(rb > bound);
        if (leftOpen && rightOpen) {
            boolean leftFirst = lb < rb || lb == rb && (lb != bound || leftIdsFirst);
            w.pushBox(leftFirst ? right : left, leftFirst ? rb : lb);
            w.pushBox(leftFirst ? left : right, leftFirst ? lb : rb);
        } else if (leftOpen) {
            w.pushBox(left, lb);
        } else if (rightOpen) {
            w.pushBox(right, rb);
        }
    }

    /**
     * Leaf {@code node} of a tree with leaf columns, for the query with tree coordinates {@code x}: its
     * distances lane-wise, and those within the heap's k-th (ids below {@code limit}, never {@code skip})
     * offered to {@code heap}.
     */
    private void scanColumns(Metric metric, int node, double[] x, long limit, long skip, TopK heap, Worker w) {
        int start = layout.start(nodes, node);
        int end = layout.end(nodes, node);
        int size = end - start;
        // only the candidates' distances are computed
        int below = candidates(start, end, limit);
        int within = metric.leafWithin(records, 8L * layout.dimension() * start, size, below, heap.bound(), x, w);
        w.distances += below;
        w.queryDistances += below;
        for (int c = 0; c < within; c++) {
            int i = w.leafWithin[c];
            long id = order.getAtIndex(ValueLayout.JAVA_INT, start + i);
            if (id != skip) {
                heap.offer(w.leafDist[i], id);
            }
        }
    }

    /**
     * The k nearest of each of the query rows {@code rows[from, to)} into {@code w.heapFor(i)}, with one
     * descent for all of them: for an all-points job, whose consecutive queries in node order are
     * neighbours. A node is opened while its bound from the queries' bounding box
     * ({@link Metric#boxLowerBound}) does not exceed the largest of their k-th distances; a leaf is then
     * searched for each query whose own bound to it does not exceed its own k-th distance. Only for a
     * metric with {@link Metric#leafColumns}; limits and skips as in {@link #search}.
     */
    void searchBatch(Metric metric, long[] rows, long[] skips, long[] limits, int from, int to, Worker w) {
        int count = to - from;
        int d = layout.dimension();
        double[][] x = w.batchQuery(count, d);
        double[] lo = w.batchLo;
        double[] hi = w.batchHi;
        long maxLimit = 0;
        for (int i = 0; i < count; i++) {
            metric.prepareBoundsQuery(rows[from + i], w);
            System.arraycopy(w.boxQuery, 0, x[i], 0, d);
            maxLimit = Math.max(maxLimit, limits[from + i]);
        }
        double[] columns = w.batchColumns();
        for (int k = 0; k < d; k++) {
            lo[k] = x[0][k];
            hi[k] = x[0][k];
            for (int i = 0; i < count; i++) {
                lo[k] = Math.min(lo[k], x[i][k]);
                hi[k] = Math.max(hi[k], x[i][k]);
                columns[k * Worker.BATCH_STRIDE + i] = x[i][k];
            }
        }
        double[] bounds = w.batchBound;
        long[] boundIds = w.batchBoundId;
        for (int i = 0; i < count; i++) {
            bounds[i] = w.heapFor(from + i).bound();
            boundIds[i] = w.heapFor(from + i).boundId();
        }
        if (layout.minId(nodes, 0) >= maxLimit) {
            return;
        }
        w.boxTop = 0;
        w.pushBox(0, metric.boxLowerBound(nodes, layout, 0, lo, hi));
        double worst = worst(bounds, count);
        while (w.boxTop > 0) {
            w.boxTop--;
            int node = w.boxNode[w.boxTop];
            double key = w.boxKey[w.boxTop];
            // a node at exactly the k-th distance can only give a tie, which enters with a smaller id only
            // (see worstId, found only then: ties are rare but for repeated points, where every distance is 0 and
            // this keeps a search from reading them all)
            if (key > worst || key == worst && layout.minId(nodes, node) >= worstId(bounds, boundIds, count, worst)) {
                continue;
            }
            w.nodes++;
            int right = layout.right(nodes, node);
            if (right == BoundsNodeLayout.LEAF) {
                int minId = layout.minId(nodes, node);
                for (long near = metric.nodeNear(nodes, layout, node, columns, Worker.BATCH_STRIDE, count, bounds); near != 0;
                     near &= near - 1) {
                    int i = Long.numberOfTrailingZeros(near);
                    if (minId >= limits[from + i]) {
                        continue;
                    }
                    TopK heap = w.heapFor(from + i);
                    long before = w.queryDistances;
                    scanColumns(metric, node, x[i], limits[from + i], skips[from + i], heap, w);
                    w.batchDistances[from + i] += w.queryDistances - before;
                    bounds[i] = heap.bound();
                    boundIds[i] = heap.boundId();
                }
                worst = worst(bounds, count);
                continue;
            }
            int left = node + 1;
            int leftMinId = layout.minId(nodes, left);
            int rightMinId = layout.minId(nodes, right);
            boolean leftOpen = leftMinId < maxLimit;
            boolean rightOpen = rightMinId < maxLimit;
            double lb = leftOpen ? metric.boxLowerBound(nodes, layout, left, lo, hi) : 0;
            double rb = rightOpen ? metric.boxLowerBound(nodes, layout, right, lo, hi) : 0;
            pushChildren(w, left, leftOpen, lb, right, rightOpen, rb, worst, leftMinId <= rightMinId);
        }
    }

    /** The largest of the batch's k-th distances: a node beyond it holds no neighbour of any of them. */
    private static double worst(double[] bounds, int count) {
        double worst = 0;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, bounds[i]);
        }
        return worst;
    }

    /**
     * The largest k-th id among the queries whose k-th distance is {@code worst}. A node whose lower bound is
     * {@code worst} and whose smallest id is at least this cannot change any query's answer: its points are at
     * least {@code worst} from every query (the bound is a lower bound of the computed distances); a query with a
     * smaller k-th distance takes none of them, and one at {@code worst} only a tie with an id below its k-th id
     * (the heap orders by distance, then id), which no id in the node is. A heap not yet full reports
     * {@link Long#MAX_VALUE} and so keeps every such node open.
     */
    private static long worstId(double[] bounds, long[] boundIds, int count, double worst) {
        long id = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            if (bounds[i] == worst) {
                id = Math.max(id, boundIds[i]);
            }
        }
        return id;
    }

    /** Frees the tree and its prefix trees. */
    @Override
    public void close() {
        for (BoundsTree t : prefixes) {
            t.close();
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** The {@link dev.covertree.engine.Engine#BOUNDS} engine over this tree, for a plan to hand queries to. */
    public SearchEngine searchEngine() {
        return new BoundsTreeSearch(this);
    }
}
