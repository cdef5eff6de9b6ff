package dev.covertree.engine.brute;

import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;

/**
 * The {@link dev.covertree.engine.Engine#SCAN} engine: one query and one distance at a time, in id order. The simplest
 * baseline, and the oracle every other engine is tested against.
 */
public final class Scan implements SearchEngine {
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
            metric.scanRow(qs, opt, qs.row(slot), w.heap, w);
            w.heap.drainTo(out.indices(), out.distances(), slot);
        }
    }
}
