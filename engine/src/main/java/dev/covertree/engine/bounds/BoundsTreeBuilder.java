package dev.covertree.engine.bounds;

import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.metric.Metric;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.LongConsumer;

/**
 * Builds a {@link BoundsTree}: median splits of the widest box side, found by quickselect on a node-ordered
 * copy of the tree coordinates, summaries bottom-up. A subtree's node range follows from its size
 * ({@link BoundsNodeLayout#nodeCount}), so large subtrees are built as independent fork/join tasks; each
 * task's choices depend only on its points, so the tree is the same for every thread count. A leaf's points
 * end in increasing id order.
 */
final class BoundsTreeBuilder {
    /** Subtrees at least this large are split into two tasks. */
    private static final int PARALLEL_MIN = 1 << 14;

    private final Metric metric;
    private final BoundsNodeLayout layout;
    private final MemorySegment nodes;
    private final MemorySegment order;
    private final MemorySegment coords;
    /**
     * Where each leaf's coordinates go column by column ({@link Metric#leafColumns}), or each point's record
     * ({@link Metric#writeRecord}) at its node-order position; null when the metric keeps neither.
     */
    private final MemorySegment records;
    private final boolean leafColumns;
    private final long recordBytes;
    private final int d;
    private final int m;
    private final LongConsumer progress;
    /** Per build thread: its working arrays ({@link Scratch}). */
    private final ThreadLocal<Scratch> scratch;

    BoundsTreeBuilder(Metric metric, BoundsNodeLayout layout, MemorySegment nodes, MemorySegment order, MemorySegment coords,
                      MemorySegment records, LongConsumer progress) {
        this.metric = metric;
        this.records = records;
        this.leafColumns = metric.leafColumns();
        this.recordBytes = metric.recordBytes();
        this.layout = layout;
        this.nodes = nodes;
        this.order = order;
        this.coords = coords;
        this.d = layout.dimension();
        this.m = layout.columns();
        this.progress = progress != null ? progress : x -> { };
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(d, m));
    }

    void build(ForkJoinPool pool, int n) {
        // the node order starts as the identity and the coordinates as the metric's, a chunk at a time through
        // the heap (this pass runs before the JIT has compiled it)
        double[] chunk = scratch.get().chunk;
        int rows = chunk.length / d;
        int[] ids = new int[rows];
        for (int from = 0; from < n; from += rows) {
            int count = Math.min(rows, n - from);
            for (int i = 0; i < count; i++) {
                ids[i] = from + i;
            }
            MemorySegment.copy(ids, 0, order, ValueLayout.JAVA_INT, 4L * from, count);
            metric.treeCoordinates(from, count, chunk);
            MemorySegment.copy(chunk, 0, coords, ValueLayout.JAVA_DOUBLE, 8L * from * d, count * d);
        }
        pool.invoke(new Subtree(0, 0, n));
    }

    private final class Subtree extends RecursiveAction {
        private final int node;
        private final int start;
        private final int end;

        Subtree(int node, int start, int end) {
            this.node = node;
            this.start = start;
            this.end = end;
        }

        @Override
        protected void compute() {
            BoundsTreeBuilder.this.build(node, start, end, true);
        }
    }

    private double coord(int pos, int k) {
        return coords.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) pos * d + k);
    }

    /*
     * The recursion does no loop of its own: the box, the leaf and the split are methods of their own. A
     * recursive method with long loops is compiled again and again (on-stack replacement at each loop, and
     * once more for the recursive calls, each time with everything it inlines): in a cold process the JIT's
     * work on it cost more than the build itself.
     */
    private void build(int node, int start, int end, boolean forkable) {
        int split = box(node, start, end);
        int size = end - start;
        if (size <= BoundsTree.LEAF) {
            leaf(node, start, end);
            return;
        }
        int mid = start + size / 2;
        select(start, end, mid, split);
        int left = node + 1;
        int right = left + BoundsNodeLayout.nodeCount(mid - start, BoundsTree.LEAF);
        if (forkable && size >= PARALLEL_MIN) {
            RecursiveAction.invokeAll(new Subtree(left, start, mid), new Subtree(right, mid, end));
        } else {
            build(left, start, mid, false);
            build(right, mid, end, false);
        }
        innerSummary(node, start, end, left, right);
    }

    /** Writes the bounding box of positions {@code [start, end)} into {@code node}; returns its widest side. */
    private int box(int node, int start, int end) {
        Scratch s = scratch.get();
        double[] box = s.box;
        double[] chunk = s.chunk;
        for (int k = 0; k < d; k++) {
            box[k] = Double.POSITIVE_INFINITY;
            box[d + k] = Double.NEGATIVE_INFINITY;
        }
        // a chunk of rows at a time copied to the heap: the top levels' long passes run before the JIT has
        // compiled this method, where a loop over array elements costs a fraction of one over segment elements
        int rows = chunk.length / d;
        for (int from = start; from < end; from += rows) {
            int count = Math.min(rows, end - from);
            MemorySegment.copy(coords, ValueLayout.JAVA_DOUBLE, 8L * from * d, chunk, 0, count * d);
            extendBox(chunk, count * d, box);
        }
        int split = 0;
        for (int k = 0; k < d; k++) {
            layout.setBox(nodes, node, k, box[k], box[d + k]);
            if (box[d + k] - box[k] > box[d + split] - box[split]) {
                split = k;
            }
        }
        return split;
    }

    /**
     * Widens {@code box} (lo in {@code [0, d)}, hi in {@code [d, 2d)}) to take the first {@code n / d} rows of
     * {@code chunk}: one dimension at a time into local running values, two rows a step (a running value kept in
     * the array waits on its own store at every row). The smallest and largest do not depend on the order
     * (Math.min and max order -0.0 below 0.0), so the box is the same. A method of its own, as {@link #widen} is:
     * a loop that runs for a whole pass inside a method called a few times has that method compiled a second
     * time, for on-stack replacement.
     */
    private void extendBox(double[] chunk, int n, double[] box) {
        for (int k = 0; k < d; k++) {
            double lo0 = box[k];
            double hi0 = box[d + k];
            double lo1 = lo0;
            double hi1 = hi0;
            int i = k;
            for (; i + d < n; i += 2 * d) {
                double a = chunk[i];
                double b = chunk[i + d];
                lo0 = Math.min(lo0, a);
                hi0 = Math.max(hi0, a);
                lo1 = Math.min(lo1, b);
                hi1 = Math.max(hi1, b);
            }
            if (i < n) {
                lo0 = Math.min(lo0, chunk[i]);
                hi0 = Math.max(hi0, chunk[i]);
            }
            box[k] = Math.min(lo0, lo1);
            box[d + k] = Math.max(hi0, hi1);
        }
    }

    /**
     * A leaf: its points in increasing id order (a predecessor search's candidates in a leaf are then its first
     * points), its summaries, and its records or columns.
     */
    private void leaf(int node, int start, int end) {
        int size = end - start;
        Scratch s = scratch.get();
        // each id with the point's position in the leaf below it, sorted on the heap by insertion (at most LEAF
        // keys; Arrays.sort would add the JDK's general sort, a large method, to C2's queue as the search starts)
        long[] byId = s.byId;
        for (int i = 0; i < size; i++) {
            long key = (long) order.getAtIndex(ValueLayout.JAVA_INT, start + i) << 32 | i;
            int j = i;
            for (; j > 0 && byId[j - 1] > key; j--) {
                byId[j] = byId[j - 1];
            }
            byId[j] = key;
        }
        for (int i = 0; i < size; i++) {
            order.setAtIndex(ValueLayout.JAVA_INT, start + i, (int) (byId[i] >>> 32));
        }
        leafSummary(node, start, end, s);
        if (records != null && leafColumns) {
            writeColumns(start, size, byId, s);
        } else if (records != null) {
            writeRecords(start, end);
        }
        progress.accept(size);
    }

    /** Each point's record at its node-order position. */
    private void writeRecords(int start, int end) {
        for (int pos = start; pos < end; pos++) {
            metric.writeRecord(order.getAtIndex(ValueLayout.JAVA_INT, pos), records, pos * recordBytes);
        }
    }

    /**
     * The leaf's coordinates column by column, as {@link BoundsTree} reads them: its point i is the one that
     * stood at position {@code (int) byId[i]} of the leaf before the sort (the coordinates still stand there).
     */
    private void writeColumns(int start, int size, long[] byId, Scratch s) {
        double[] points = s.chunk;
        double[] columns = s.columns;
        MemorySegment.copy(coords, ValueLayout.JAVA_DOUBLE, 8L * start * d, points, 0, size * d);
        for (int i = 0; i < size; i++) {
            int from = (int) byId[i] * d;
            for (int k = 0; k < d; k++) {
                columns[k * size + i] = points[from + k];
            }
        }
        MemorySegment.copy(columns, 0, records, ValueLayout.JAVA_DOUBLE, 8L * d * start, size * d);
    }

    private void leafSummary(int node, int start, int end, Scratch s) {
        int minId = Integer.MAX_VALUE;
        double maxIsp = 0;
        double maxNorm = 0;
        for (int pos = start; pos < end; pos++) {
            int id = order.getAtIndex(ValueLayout.JAVA_INT, pos);
            minId = Math.min(minId, id);
            maxIsp = Math.max(maxIsp, metric.summaryInvSqrtP(id));
        }
        if (m > 0) {
            // row by row (V is row-major), the running ranges in the node's own slots, rounded outward at the end;
            // the norms from the same rows
            double[] lo = s.lo;
            double[] hi = s.hi;
            double[] row = s.row;
            for (int pos = start; pos < end; pos++) {
                metric.summaryRow(order.getAtIndex(ValueLayout.JAVA_INT, pos), row);
                maxNorm = Math.max(maxNorm, metric.summaryNorm(row));
                if (pos == start) {
                    System.arraycopy(row, 0, lo, 0, m);
                    System.arraycopy(row, 0, hi, 0, m);
                    continue;
                }
                widen(row, lo, hi);
            }
            for (int u = 0; u < m; u++) {
                layout.setVRange(nodes, node, u, down(lo[u]), up(hi[u]));
            }
        }
        layout.setHeader(nodes, node, start, end, BoundsNodeLayout.LEAF, minId, maxIsp, maxNorm);
    }

    /** Widens the running column ranges {@code lo}, {@code hi} to take {@code row}. */
    private void widen(double[] row, double[] lo, double[] hi) {
        for (int u = 0; u < m; u++) {
            lo[u] = Math.min(lo[u], row[u]);
            hi[u] = Math.max(hi[u], row[u]);
        }
    }

    private void innerSummary(int node, int start, int end, int left, int right) {
        for (int u = 0; u < m; u++) {
            layout.setVRange(nodes, node, u, Math.min(layout.vLo(nodes, left, u), layout.vLo(nodes, right, u)),
                    Math.max(layout.vHi(nodes, left, u), layout.vHi(nodes, right, u)));
        }
        layout.setHeader(nodes, node, start, end, right, Math.min(layout.minId(nodes, left), layout.minId(nodes, right)),
                Math.max(layout.maxIsp(nodes, left), layout.maxIsp(nodes, right)),
                Math.max(layout.maxNorm(nodes, left), layout.maxNorm(nodes, right)));
    }

    /** The largest float not above {@code x}: a float32 lower bound of a float64 value. */
    static float down(double x) {
        float f = (float) x;
        return f > x ? Math.nextDown(f) : f;
    }

    /** The smallest float not below {@code x}. */
    static float up(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }

    /**
     * Reorders positions {@code [start, end)} so that position {@code nth} holds the value it would hold if
     * they were sorted by coordinate {@code k}, none before it larger and none after it smaller
     * (Hoare's quickselect; deterministic). Large ranges take a pivot from a sample ({@link #sampledPivot}), the
     * others (and any after a sample missed) the median of three. Each pass partitions its range in blocks
     * ({@link #partitionBlocks}) and finishes the middle with Hoare's scans.
     */
    private void select(int start, int end, int nth, int k) {
        Scratch s = scratch.get();
        int lo = start;
        int hi = end - 1;
        boolean sampled = true;
        while (hi > lo) {
            int size = hi - lo + 1;
            double pivot;
            if (sampled && size >= SAMPLED_MIN) {
                pivot = sampledPivot(lo, size, nth, k, s);
            } else {
                int mid = lo + (hi - lo) / 2;
                double a = coord(lo, k);
                double b = coord(mid, k);
                double c = coord(hi, k);
                pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            }
            long ends = partitionBlocks(lo, hi, k, pivot, s);
            int i = (int) (ends >>> 32);
            int j = (int) ends;
            // Hoare's scans over what the blocks left: every position below i holds at most the pivot and every one
            // above j at least it. A value on the far side of the pivot is always left for a scan to stop at (the
            // pivot's own, or one a swap moved), as in Hoare's scheme; the range checks keep a scan inside the
            // range without resting on that argument
            while (i <= j) {
                while (i <= hi && coord(i, k) < pivot) {
                    i++;
                }
                while (j >= lo && coord(j, k) > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(i, j);
                    i++;
                    j--;
                }
            }
            if (nth <= j) {
                hi = j;
            } else if (nth >= i) {
                lo = i;
            } else {
                return;
            }
            // a sample that missed (nth still in most of the range) gives way to median-of-three pivots
            sampled = sampled && 8L * (hi - lo + 1) < 7L * size;
        }
    }

    /**
     * A pivot for selecting position {@code nth} of the {@code size} positions from {@code lo}: of
     * {@value #SAMPLE} coordinates at evenly spaced positions, the one whose rank is a few places past nth's
     * relative rank, on the side that leaves nth in the smaller part. The median then takes under two passes over
     * the range instead of the two and three quarters that median-of-three pivots take; the answer does not
     * depend on the pivot, only the work does.
     */
    private double sampledPivot(int lo, int size, int nth, int k, Scratch s) {
        double[] sample = s.sample;
        for (int t = 0; t < SAMPLE; t++) {
            double x = coord(lo + (int) ((2L * t + 1) * size / (2 * SAMPLE)), k);
            int j = t;
            for (; j > 0 && sample[j - 1] > x; j--) {
                sample[j] = sample[j - 1];
            }
            sample[j] = x;
        }
        int rank = (int) ((long) (nth - lo) * SAMPLE / size);
        int at = 2 * (nth - lo) < size ? Math.min(SAMPLE - 1, rank + SAMPLE_MARGIN) : Math.max(0, rank - SAMPLE_MARGIN);
        return sample[at];
    }

    /** Ranges at least this large take a sampled pivot ({@link #sampledPivot}). */
    private static final int SAMPLED_MIN = 1 << 12;
    /** Coordinates a sampled pivot is chosen from. */
    private static final int SAMPLE = 63;
    /** Ranks past nth's that a sampled pivot lies: about one standard deviation of the sample's rank. */
    private static final int SAMPLE_MARGIN = 4;

    /**
     * The bulk of one partition pass around {@code pivot} over {@code [lo, hi]}: a block of {@link #BLOCK} positions
     * from each end is scanned without a branch per position (the offsets of those on the wrong side, at least the
     * pivot on the left and at most it on the right, are listed), then as many pairs as both lists hold are
     * swapped; a block whose list is used up is done. A branch per position, taken or not at random, costs more
     * on random coordinates than the scan itself. Returns the first position not done from the left (high 32
     * bits) and the last not done from the right (low 32 bits): the positions before the first hold at most the
     * pivot, those after the last at least it.
     */
    private long partitionBlocks(int lo, int hi, int k, double pivot, Scratch s) {
        int[] left = s.leftOffsets;
        int[] right = s.rightOffsets;
        int l = lo;
        int r = hi;
        int numL = 0;
        int numR = 0;
        int fromL = 0;
        int fromR = 0;
        while (r - l + 1 >= 2 * BLOCK) {
            if (numL == 0) {
                fromL = 0;
                for (int t = 0; t < BLOCK; t++) {
                    left[numL] = t;
                    numL += coord(l + t, k) >= pivot ? 1 : 0;
                }
            }
            if (numR == 0) {
                fromR = 0;
                for (int t = 0; t < BLOCK; t++) {
                    right[numR] = t;
                    numR += coord(r - t, k) <= pivot ? 1 : 0;
                }
            }
            int pairs = Math.min(numL, numR);
            for (int t = 0; t < pairs; t++) {
                swap(l + left[fromL + t], r - right[fromR + t]);
            }
            numL -= pairs;
            numR -= pairs;
            fromL += pairs;
            fromR += pairs;
            if (numL == 0) {
                l += BLOCK;
            }
            if (numR == 0) {
                r -= BLOCK;
            }
        }
        return (long) l << 32 | (r & 0xFFFFFFFFL);
    }

    /** Positions a block of {@link #partitionBlocks} scans at a time. */
    private static final int BLOCK = 64;

    private void swap(int a, int b) {
        int t = order.getAtIndex(ValueLayout.JAVA_INT, a);
        order.setAtIndex(ValueLayout.JAVA_INT, a, order.getAtIndex(ValueLayout.JAVA_INT, b));
        order.setAtIndex(ValueLayout.JAVA_INT, b, t);
        for (int k = 0; k < d; k++) {
            double x = coord(a, k);
            coords.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) a * d + k, coord(b, k));
            coords.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) b * d + k, x);
        }
    }

    /** One build thread's working arrays. */
    private static final class Scratch {
        /** A leaf's running V column ranges, and one V row as float64. */
        final double[] lo;
        final double[] hi;
        final double[] row;
        /** A node's running box, lo[0, d) then hi[d, 2d). */
        final double[] box;
        /** Rows of coordinates copied from the segment: a chunk of a box's pass, or a leaf's points. */
        final double[] chunk;
        /** A leaf's coordinates column by column. */
        final double[] columns;
        /** A leaf's ids, each with its point's position in the leaf. */
        final long[] byId = new long[BoundsTree.LEAF];
        /** A sampled pivot's coordinates, sorted ({@link #sampledPivot}). */
        final double[] sample = new double[SAMPLE];
        /** The offsets a block of {@link #partitionBlocks} lists, from the left and from the right. */
        final int[] leftOffsets = new int[BLOCK];
        final int[] rightOffsets = new int[BLOCK];

        Scratch(int d, int m) {
            lo = new double[m];
            hi = new double[m];
            row = new double[m];
            box = new double[2 * d];
            chunk = new double[Math.max(CHUNK_ROWS, BoundsTree.LEAF) * d];
            columns = new double[BoundsTree.LEAF * d];
        }
    }

    /** Rows a box's pass copies to the heap at a time. */
    private static final int CHUNK_ROWS = 1024;
}
