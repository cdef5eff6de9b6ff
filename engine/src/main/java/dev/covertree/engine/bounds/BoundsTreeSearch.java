package dev.covertree.engine.bounds;

import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.search.TopK;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;

/**
 * The {@link dev.covertree.engine.Engine#BOUNDS} engine over a built {@link BoundsTree}. An all-points job takes its queries
 * in the tree's node order, so that consecutive queries are spatial neighbours whose searches read the
 * same leaves from cache; where the metric keeps leaf columns ({@link Metric#leafColumns}) each chunk of
 * them shares one descent ({@link BoundsTree#searchBatch}). Other jobs search one query at a time.
 *
 * <p>A run's heaps start capped ({@link TopK#limitTo}) at the largest k-th distance of the run the same worker
 * searched before, {@link #CAP_MARGIN} times: neighbouring runs in node order have much the same k-th
 * distances, and a heap that starts with a bound near its final one takes few of the first leaves' points that
 * nearer ones would push out. A query searched alone in node order is capped the same way where the metric says
 * it pays ({@link Metric#capsFromNeighbour}: the residual metric's all-points job), at the k-th distance of the
 * query before it when that one is its neighbour in the same leaf (the previous position, a smaller id: a leaf
 * lists its points by id); its descent then queues no node whose bound is above the cap. At a leaf's first query
 * (an id below the previous query's) no cap is set: in predecessor mode it has the leaf's smallest id, so the
 * fewest candidates and typically the leaf's largest k-th distance.
 *
 * <p>Why a heap that ends full under a cap c holds the exact answer: its k pairs are real candidates (each with
 * d &le; c), so its k-th pair h is not worse than the true k-th; a candidate of the true answer is then not worse
 * than h, so at most h in distance, and no bound the search pruned with was below h (the heap's bound only falls,
 * to h at the end, and is c before the heap fills): no node holding it was skipped (node bounds are lower bounds,
 * their rounding argued at each metric), the leaf scan kept it (it keeps distances at most the bound), and the
 * heap took it (it takes d &le; c and every pair better than its k-th). The comparisons are on the same computed
 * distances throughout, so no rounding enters. A heap that ends short (the cap was below this query's k-th
 * distance, or the query has fewer than k candidates) is searched again without a cap (with the run's other short
 * ones, or alone), so the answers never depend on the guess.
 */
final class BoundsTreeSearch implements SearchEngine {
    /**
     * A cap over the guess it is made from (the largest k-th distance of the worker's previous run, or the previous
     * query's): small enough that few candidates beyond the final k-th enter a heap, large enough that few queries
     * end short and are searched again.
     */
    static final double CAP_MARGIN = 1.2;
    private final BoundsTree tree;

    BoundsTreeSearch(BoundsTree tree) {
        this.tree = tree;
    }

    @Override
    public int chunk() {
        return BoundsTree.BATCH;
    }

    @Override
    public Worker newWorker(int k) {
        return new Worker(k, BoundsTree.BATCH);
    }

    @Override
    public void search(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        long n = metric.data().size();
        boolean nodeOrder = qs.isAllPoints();
        if (qs.neighbours() && metric.leafColumns()) {
            searchBatch(metric, qs, opt, from, to, nodeOrder, w, out);
            return;
        }
        TopK heap = w.heap;
        boolean capped = nodeOrder && metric.capsFromNeighbour();
        long previous = -1;
        for (long s = from; s < to; s++) {
            long slot = nodeOrder ? tree.pointAt(s) : s;
            long row = qs.row(slot);
            long limit = qs.idLimit(row, opt, n);
            // the query itself is at distance 0 by definition (never computed); it is offered when it counts
            long self = qs.byId() ? row : -1;
            boolean selfCounts = qs.selfCounts(row, opt, n);
            long position = nodeOrder && qs.byId() ? s : -1;
            // capped after the query before it in the same leaf (see the class comment)
            double cap = capped && s > from && row > previous ? w.lastReach * CAP_MARGIN : Double.POSITIVE_INFINITY;
            start(heap, cap, selfCounts, self);
            tree.search(metric, row, position, self, limit, heap, w);
            if (!heap.isFull() && cap < Double.POSITIVE_INFINITY) {
                w.searchedAgain++;
                start(heap, Double.POSITIVE_INFINITY, selfCounts, self);
                tree.search(metric, row, position, self, limit, heap, w);
            }
            previous = row;
            w.lastReach = heap.isFull() ? heap.bound() : Double.POSITIVE_INFINITY;
            w.endQuery();
            heap.drainTo(out.indices(), out.distances(), slot);
        }
    }

    /**
     * Slots {@code [from, to)} searched together: node-order positions of an all-points job, or queries
     * their caller declared neighbours ({@link QuerySet#withNeighbours}). In predecessor mode with prefix
     * trees the run is regrouped by the tree each query searches ({@link BoundsTree#levelFor}), one descent a
     * group; the queries of a run are neighbours either way.
     */
    private void searchBatch(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, boolean nodeOrder, Worker w,
                             KnnResult out) {
        long n = metric.data().size();
        int count = (int) (to - from);
        int levels = tree.levels();
        int[] level = w.batchLevels;
        for (int i = 0; i < count; i++) {
            level[i] = levels == 1 ? 0 : tree.levelFor(qs.idLimit(qs.row(slot(from + i, nodeOrder)), opt, n));
        }
        long[] rows = w.batchRows;
        long[] skips = w.batchSkips;
        long[] limits = w.batchLimits;
        long[] slots = w.batchSlots;
        // the cap each query starts with: the largest k-th distance of the run this worker searched last, a
        // fifth more (see the class comment)
        double cap = w.lastReach * CAP_MARGIN;
        double reach = 0;
        int at = 0;
        for (int l = 0; l < levels; l++) {
            int start = at;
            for (int i = 0; i < count; i++) {
                if (level[i] != l) {
                    continue;
                }
                long slot = slot(from + i, nodeOrder);
                long row = qs.row(slot);
                slots[at] = slot;
                rows[at] = row;
                limits[at] = qs.idLimit(row, opt, n);
                skips[at] = qs.byId() ? row : -1;
                w.batchDistances[at] = 0;
                start(qs, opt, n, at, cap, w);
                at++;
            }
            if (at > start) {
                BoundsTree t = tree.atLevel(l);
                t.searchBatch(metric, rows, skips, limits, start, at, w);
                if (cap < Double.POSITIVE_INFINITY) {
                    searchShortOnesAgain(t, metric, qs, opt, n, start, at, w);
                }
                for (int i = start; i < at; i++) {
                    TopK heap = w.heapFor(i);
                    if (heap.isFull()) {
                        reach = Math.max(reach, heap.bound());
                    }
                }
            }
        }
        // a run with no full heap (the first points of a predecessor search) leaves no guess for the next
        w.lastReach = reach > 0 ? reach : Double.POSITIVE_INFINITY;
        w.queryDistances = 0;
        for (int i = 0; i < count; i++) {
            w.perQuery.record(w.batchDistances[i]);
            w.heapFor(i).drainTo(out.indices(), out.distances(), slots[i]);
        }
    }

    /**
     * The queries of run positions {@code [start, at)} whose heaps ended short under their cap, searched again
     * without one: moved to the front of the range and searched as one run (where the density jumps, a whole run
     * can fail at once, and one descent for all of them costs about what the capped one saved), then moved back.
     */
    private static void searchShortOnesAgain(BoundsTree t, Metric metric, QuerySet qs, KnnOptions opt, long n, int start,
                                             int at, Worker w) {
        int end = start;
        for (int i = start; i < at; i++) {
            if (!w.heapFor(i).isFull()) {
                w.swapRunEntries(end, i);
                w.batchMoved[end] = i;
                start(qs, opt, n, end, Double.POSITIVE_INFINITY, w);
                end++;
            }
        }
        if (end == start) {
            return;
        }
        w.searchedAgain += end - start;
        t.searchBatch(metric, w.batchRows, w.batchSkips, w.batchLimits, start, end, w);
        for (int j = end - 1; j >= start; j--) {
            w.swapRunEntries(j, w.batchMoved[j]);
        }
    }

    /** Empties and caps the heap of run position {@code at}, and offers its query itself where that counts. */
    private static void start(QuerySet qs, KnnOptions opt, long n, int at, double cap, Worker w) {
        start(w.heapFor(at), cap, qs.selfCounts(w.batchRows[at], opt, n), w.batchSkips[at]);
    }

    /** Empties and caps {@code heap}, and offers the query itself ({@code self}, at distance 0) where that counts. */
    private static void start(TopK heap, double cap, boolean selfCounts, long self) {
        heap.clear();
        heap.limitTo(cap);
        if (selfCounts) {
            heap.offer(0.0, self);
        }
    }

    /** The query slot at run position {@code s}: the tree's node order for an all-points job. */
    private long slot(long s, boolean nodeOrder) {
        return nodeOrder ? tree.pointAt(s) : s;
    }
}
