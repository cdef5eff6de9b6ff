package dev.covertree.engine;

/**
 * The {@link Engine#BOUNDS} engine over a built {@link BoundsTree}, one query at a time. An all-points job
 * takes its queries in the tree's node order, so that consecutive queries are spatial neighbours whose
 * searches read the same leaves from cache.
 */
final class BoundsTreeSearch implements SearchEngine {
    private final BoundsTree tree;

    BoundsTreeSearch(BoundsTree tree) {
        this.tree = tree;
    }

    @Override
    public int chunk() {
        return Worker.CHUNK_QUERIES;
    }

    @Override
    public Worker newWorker(int k) {
        return new Worker(k, 1);
    }

    @Override
    public void search(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        long n = metric.data().size();
        boolean nodeOrder = qs.isAllPoints();
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
            tree.search(metric, row, self, limit, heap, w);
            heap.drainTo(out.indices(), out.distances(), slot);
        }
    }
}
