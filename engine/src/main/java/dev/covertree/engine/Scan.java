package dev.covertree.engine;

/**
 * The {@link Engine#SCAN} engine: one query and one distance at a time, in id order. The simplest
 * baseline, and the oracle every other engine is tested against.
 */
final class Scan implements SearchEngine {
    private static final int CHUNK = 16;

    @Override
    public int chunk() {
        return CHUNK;
    }

    @Override
    public Worker newWorker(int k) {
        return new Worker(k, 1);
    }

    @Override
    public void search(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        for (long slot = from; slot < to; slot++) {
            one(metric, qs, opt, qs.row(slot), w.heap, w);
            w.heap.drainTo(out.indices(), out.distances(), slot);
        }
    }

    /** Offers every allowed dataset point to {@code heap} for query row {@code row}. */
    static void one(Metric metric, QuerySet qs, KnnOptions opt, long row, TopK heap, Worker w) {
        long limit = qs.idLimit(row, opt, metric.data().size());
        long exclude = qs.excludedId(row, opt);
        for (long j = 0; j < limit; j++) {
            if (j != exclude) {
                heap.offer(metric.workingDistance(row, j), j);
            }
        }
        w.distances += limit - (exclude >= 0 && exclude < limit ? 1 : 0);
    }
}
