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
 */
final class BoundsTreeSearch implements SearchEngine {
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
        for (long s = from; s < to; s++) {
            long slot = nodeOrder ? tree.pointAt(s) : s;
            long row = qs.row(slot);
            long limit = qs.idLimit(row, opt, n);
            TopK heap = w.heap;
            heap.clear();
            // the query itself is at distance 0 by definition (never computed); it is offered here when it counts
            long self = qs.byId() ? row : -1;
            if (qs.selfCounts(row, opt, n)) {
                heap.offer(0.0, self);
            }
            tree.search(metric, row, nodeOrder && qs.byId() ? s : -1, self, limit, heap, w);
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
                TopK heap = w.heapFor(at);
                heap.clear();
                if (qs.selfCounts(row, opt, n)) {
                    heap.offer(0.0, skips[at]);
                }
                at++;
            }
            if (at > start) {
                tree.atLevel(l).searchBatch(metric, rows, skips, limits, start, at, w);
            }
        }
        w.queryDistances = 0;
        for (int i = 0; i < count; i++) {
            w.perQuery.record(w.batchDistances[i]);
            w.heapFor(i).drainTo(out.indices(), out.distances(), slots[i]);
        }
    }

    /** The query slot at run position {@code s}: the tree's node order for an all-points job. */
    private long slot(long s, boolean nodeOrder) {
        return nodeOrder ? tree.pointAt(s) : s;
    }
}
