package dev.covertree.engine.internal.search;

import dev.covertree.engine.internal.util.WorkHistogram;
import java.lang.foreign.MemorySegment;

/**
 * One search thread's reusable state: the top-k heap, the tree's traversal stack, the brute force's
 * packed query block, and work counters. Made once per thread, so queries allocate nothing.
 */
public final class Worker {
    /** Queries of an all-points tree search that share one descent (the bounds tree's batch). */
    public static final int BATCH = 32;
    /** Query rows of the brute force's block unless the metric chooses its own size. */
    public static final int BLOCK = 128;
    /** The heap of a one-query-at-a-time search, and of a tree group's first query. */
    public final TopK heap;
    /** One heap per query of a brute-force block or a tree group; the first is {@link #heap}. */
    private final TopK[] heaps;
    public final long[] blockRows;
    public long distances;
    public long nodes;
    /**
     * The tree's traversal stack: a node, the queries of the group still searching its subtree (bit b
     * for query b), the smallest of their distances to it (the sort key), and each query's distance
     * ({@link #GROUP} slots per entry).
     */
    public int[] stackNode = new int[256];
    public int[] stackMask = new int[256];
    public double[] stackKey = new double[256];
    public double[] stackDist = new double[256 * GROUP];
    public int top;
    /** The children of the node being expanded: node index, point, distance to query b at {@code GROUP i + b}. */
    public int[] childNode = new int[64];
    public long[] childPoint = new long[64];
    public double[] childDist = new double[64 * GROUP];
    /** The queries of a tree group: row, excluded id, id limit, slack. */
    public static final int GROUP = 4;
    public final long[] groupRow = new long[GROUP];
    /** The queries of one chunk of a tree run, in the order they are grouped. */
    public final long[] chunkQueries = new long[CHUNK_QUERIES];
    public static final int CHUNK_QUERIES = 16;
    public final long[] groupExclude = new long[GROUP];
    public final long[] groupLimit = new long[GROUP];
    public final double[] groupSlack = new double[GROUP];
    /** The bounds tree's stack: node, lower bound. */
    public int[] boxNode = new int[128];
    public double[] boxKey = new double[128];
    public int boxTop;
    /** The bounds tree's best-first queue: a binary min-heap of nodes by lower bound. */
    int[] queueNode = new int[128];
    public double[] queueKey = new double[128];
    public int queueSize;
    /** Distances the current query has evaluated so far, and the per-query counts of the queries done. */
    public long queryDistances;
    public final WorkHistogram perQuery = new WorkHistogram();

    /** Ends a query's count of distances ({@link #queryDistances}) for the per-query figures. */
    public void endQuery() {
        perQuery.record(queryDistances);
        queryDistances = 0;
    }

    /**
     * A run of bounds-tree queries searched together: rows, ids they skip, id limits, the output slots
     * and the prefix-tree levels ({@link dev.covertree.engine.bounds.BoundsTree#levelFor}) they are searched at.
     */
    public final long[] batchRows = new long[BATCH];
    public final long[] batchSkips = new long[BATCH];
    public final long[] batchLimits = new long[BATCH];
    public final long[] batchSlots = new long[BATCH];
    public final int[] batchLevels = new int[BATCH];
    /** Each one's distances evaluated so far. */
    public final long[] batchDistances = new long[BATCH];
    /** Each one's k-th distance so far. */
    public final double[] batchBound = new double[BATCH];
    /** Each one's k-th id so far ({@link TopK#boundId}). */
    public final long[] batchBoundId = new long[BATCH];
    /**
     * The largest k-th distance of the last run this worker searched, or the k-th distance of the last query it
     * searched alone; +∞ before the first or when that heap ended short: the next one's guess ({@link TopK#limitTo}).
     */
    public double lastReach = Double.POSITIVE_INFINITY;
    /** Queries whose guessed cap was too small and that were searched again without one. */
    public long searchedAgain;
    /** The run positions moved to the front of a run to be searched again ({@link #swapRunEntries}). */
    public final int[] batchMoved = new int[BATCH];
    /** The same run's tree coordinates, by query and column by column ({@link #BATCH_STRIDE}), and their box. */
    private double[][] batchQuery = new double[0][];
    private double[] batchColumns = new double[0];
    public double[] batchLo = new double[0];
    public double[] batchHi = new double[0];
    public static final int BATCH_STRIDE = BATCH;

    /** Room for {@code count} batch queries of {@code d} tree coordinates, and their box. */
    public double[][] batchQuery(int count, int d) {
        if (batchQuery.length < count || (count > 0 && batchQuery[0].length < d)) {
            batchQuery = new double[count][d];
            batchColumns = new double[BATCH_STRIDE * d];
            batchLo = new double[d];
            batchHi = new double[d];
        }
        return batchQuery;
    }

    /** The batch's coordinates column by column, sized by {@link #batchQuery}. */
    public double[] batchColumns() {
        return batchColumns;
    }

    /** A bounds-tree leaf's distances, and which of them were within the k-th ({@link dev.covertree.engine.metric.Metric#leafWithin}). */
    public final double[] leafDist = new double[BoundsNodeLayout.LEAF_POINTS];
    public final int[] leafWithin = new int[BoundsNodeLayout.LEAF_POINTS];
    /** The query's tree coordinates, its 1/√p, and the three sums of an interval dot product. */
    public double[] boxQuery = new double[4];
    public double boundIsp;
    public double boundNorm;
    /** The squared distance from the query to a node box's farther sides ({@link BoundsNodeLayout#nearFarSquared}). */
    public final double[] boundFar = new double[1];
    /**
     * Where the current query's own row is read from when it is a tree point: its record in the tree
     * ({@link dev.covertree.engine.metric.Metric#prepareBoundsQuery(long, MemorySegment, long, Worker)}),
     * for query row {@link #recordQuery} only; -1 when the query's row is read from the dataset.
     */
    public long recordQuery = -1;
    public MemorySegment queryRecords;
    public long queryRecordOffset;
    /**
     * A wide node's lane bounds ({@link dev.covertree.engine.metric.Metric#wideLowerBounds}) and the stages they are
     * made in, one entry per lane ({@link WideNodeLayout#FAN}).
     */
    public final double[] wideKey = new double[WideNodeLayout.FAN];
    public final double[] wideNear = new double[WideNodeLayout.FAN];
    public final double[] wideFar = new double[WideNodeLayout.FAN];
    public final double[] wideKHi = new double[WideNodeLayout.FAN];
    public final double[] wideIsp = new double[WideNodeLayout.FAN];
    public final double[] wideLo = new double[WideNodeLayout.FAN];
    public final double[] wideHi = new double[WideNodeLayout.FAN];
    public final double[] wideAbs = new double[WideNodeLayout.FAN];
    /** The k-th distance when a node's bound is asked for: a bound above it may stop at its cheap first stage. */
    public double boundCutoff;
    /** The V columns a query's interval bound reads, and the summed |V_qu| of the others. */
    private int[] boundColumns = new int[0];
    public int boundColumnCount;
    public double boundSmallL1;
    public static final int Q_PACK = 0;
    public static final int Q_COORDS = 1;
    public static final int Q_ISP = 2;
    public static final int TILE = 3;
    public static final int TILE_COORDS = 4;
    /** A Euclidean query row as float64, for the inline distances of few dimensions. */
    public static final int PLAIN_QUERY = 5;
    private final double[][] scratch = new double[6][0];
    public final long[] quadLimit = new long[BLOCK / 4];
    public final double[] tileIsp = new double[16];
    public final double[] dots = new double[16];
    /** The 4 x 4 dot products of a tree group against four children. */
    public final double[] block = new double[16];
    public final double[] s2 = new double[16];
    public final double[] ispQ = new double[16];
    public final double[] dist = new double[16];

    /** A worker with {@code count} top-k heaps of k each: one per query its engine searches together. */
    public Worker(int k, int count) {
        this.heaps = new TopK[count];
        this.blockRows = new long[count];
        for (int i = 0; i < heaps.length; i++) {
            heaps[i] = new TopK(k);
        }
        this.heap = heaps[0];
    }

    /** How many queries this worker's engine searches together: its heaps. */
    public int blockCapacity() {
        return heaps.length;
    }

    public TopK heapFor(int queryInBlock) {
        return heaps[queryInBlock];
    }

    /**
     * Swaps run positions {@code a} and {@code b} of a bounds-tree run: row, skipped id, limit, slot, distance
     * count and heap, so that a subset of the run can be searched again as one contiguous run (and swapped back).
     */
    public void swapRunEntries(int a, int b) {
        swap(batchRows, a, b);
        swap(batchSkips, a, b);
        swap(batchLimits, a, b);
        swap(batchSlots, a, b);
        swap(batchDistances, a, b);
        TopK h = heaps[a];
        heaps[a] = heaps[b];
        heaps[b] = h;
    }

    private static void swap(long[] x, int a, int b) {
        long t = x[a];
        x[a] = x[b];
        x[b] = t;
    }

    /** Scratch array {@code which} ({@link #Q_PACK} … {@link #PLAIN_QUERY}), at least {@code size} long; reused. */
    public double[] scratch(int which, int size) {
        if (scratch[which].length < size) {
            scratch[which] = new double[size];
        }
        return scratch[which];
    }

    /** Pushes a node for the group's queries in {@code mask}; their distances are {@code childDist[GROUP child …]}. */
    public void push(int node, int mask, double key, int child) {
        ensureStack(top + 1);
        stackNode[top] = node;
        stackMask[top] = mask;
        stackKey[top] = key;
        System.arraycopy(childDist, GROUP * child, stackDist, GROUP * top, GROUP);
        top++;
    }

    /** Makes room for {@code n} stack entries; grows to the deepest frontier seen, then stays. */
    private void ensureStack(int n) {
        if (n > stackNode.length) {
            int size = Math.max(n, 2 * stackNode.length);
            stackNode = java.util.Arrays.copyOf(stackNode, size);
            stackMask = java.util.Arrays.copyOf(stackMask, size);
            stackKey = java.util.Arrays.copyOf(stackKey, size);
            stackDist = java.util.Arrays.copyOf(stackDist, size * GROUP);
        }
    }

    /** Pushes a bounds-tree node with its lower bound. */
    public void pushBox(int node, double key) {
        if (boxTop == boxNode.length) {
            boxNode = java.util.Arrays.copyOf(boxNode, 2 * boxTop);
            boxKey = java.util.Arrays.copyOf(boxKey, 2 * boxTop);
        }
        boxNode[boxTop] = node;
        boxKey[boxTop] = key;
        boxTop++;
    }

    /** Adds a node to the best-first queue with its lower bound. */
    public void enqueue(int node, double key) {
        if (queueSize == queueNode.length) {
            queueNode = java.util.Arrays.copyOf(queueNode, 2 * queueSize);
            queueKey = java.util.Arrays.copyOf(queueKey, 2 * queueSize);
        }
        int i = queueSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!(key < queueKey[parent])) {
                break;
            }
            queueNode[i] = queueNode[parent];
            queueKey[i] = queueKey[parent];
            i = parent;
        }
        queueNode[i] = node;
        queueKey[i] = key;
    }

    /** Removes and returns the node with the smallest bound (ties in any order: the answer does not depend on it). */
    public int dequeue() {
        int top = queueNode[0];
        int last = --queueSize;
        int node = queueNode[last];
        double key = queueKey[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && queueKey[child + 1] < queueKey[child]) {
                child++;
            }
            if (!(queueKey[child] < key)) {
                break;
            }
            queueNode[i] = queueNode[child];
            queueKey[i] = queueKey[child];
            i = child;
        }
        queueNode[i] = node;
        queueKey[i] = key;
        return top;
    }

    private Object attachment;

    /**
     * A metric's own buffers kept with this thread (the residual brute force's product scratch), or null when
     * none of {@code type} is attached.
     */
    public <T> T attachment(Class<T> type) {
        return type.isInstance(attachment) ? type.cast(attachment) : null;
    }

    /** Keeps {@code buffers} with this thread for the next {@link #attachment} (replacing any). */
    public void attach(Object buffers) {
        attachment = buffers;
    }

    private long[] seedIds = new long[0];

    /** Room for the previous query's {@code k} neighbour ids. */
    long[] seedIds(int k) {
        if (seedIds.length < k) {
            seedIds = new long[k];
        }
        return seedIds;
    }

    /** Room for {@code m} column indices of a query's interval bound. */
    public int[] boundColumns(int m) {
        if (boundColumns.length < m) {
            boundColumns = new int[m];
        }
        return boundColumns;
    }

    /** Room for a query of {@code d} tree coordinates. */
    public double[] boxQuery(int d) {
        if (boxQuery.length < d) {
            boxQuery = new double[d];
        }
        return boxQuery;
    }

    /** Makes room for {@code n} children; grows to the widest node seen, then stays. */
    public void ensureChildren(int n) {
        if (n > childNode.length) {
            int size = Math.max(n, 2 * childNode.length);
            childNode = java.util.Arrays.copyOf(childNode, size);
            childPoint = java.util.Arrays.copyOf(childPoint, size);
            childDist = java.util.Arrays.copyOf(childDist, size * GROUP);
        }
    }

    /** Ciura's gaps: a shell sort ending in the plain insertion sort (gap 1), which is all a short run gets. */
    private static final int[] GAPS = {701, 301, 132, 57, 23, 10, 4, 1};

    /**
     * Orders stack entries {@code [from, top)} by decreasing key, so the nearest is popped first. Most
     * nodes push a handful of children (insertion sort), but near the root of a residual tree with many
     * inducing points hundreds survive, where insertion sort alone took a fifth of the search.
     * Entries are moved through {@code spare}, the slot just above the top.
     */
    public void sortPushedFarthestFirst(int from) {
        int n = top - from;
        if (n < 2) {
            return;
        }
        ensureStack(top + 1);
        int spare = top;
        for (int gap : GAPS) {
            if (gap > n / 2 && gap > 1) {
                continue;
            }
            for (int i = from + gap; i < top; i++) {
                double key = stackKey[i];
                if (!(stackKey[i - gap] < key)) {
                    continue;
                }
                move(i, spare);
                int j = i;
                while (j - gap >= from && stackKey[j - gap] < key) {
                    move(j - gap, j);
                    j -= gap;
                }
                move(spare, j);
            }
        }
    }

    private void move(int from, int to) {
        stackNode[to] = stackNode[from];
        stackMask[to] = stackMask[from];
        stackKey[to] = stackKey[from];
        System.arraycopy(stackDist, GROUP * from, stackDist, GROUP * to, GROUP);
    }
}
