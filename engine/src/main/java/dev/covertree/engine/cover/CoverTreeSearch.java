package dev.covertree.engine.cover;

import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.metric.SearchEngine;

/**
 * The {@link dev.covertree.engine.Engine#TREE} engine over a built {@link CoverTree}. An all-points job takes its queries in
 * the tree's node order, so that a chunk's queries are neighbours in the tree and are searched
 * {@value Worker#GROUP} at a time (one pass over each child record serves the group); a predecessor job
 * also sorts a chunk by id, because a predecessor search is as wide as its id is small.
 */
final class CoverTreeSearch implements SearchEngine {
    private final CoverTree tree;

    CoverTreeSearch(CoverTree tree) {
        this.tree = tree;
    }

    @Override
    public int chunk() {
        return Worker.CHUNK_QUERIES;
    }

    @Override
    public Worker newWorker(int k) {
        return new Worker(k, Worker.GROUP);
    }

    @Override
    public void search(Metric metric, QuerySet qs, KnnOptions opt, long from, long to, Worker w, KnnResult out) {
        long n = metric.data().size();
        boolean nodeOrder = qs.isAllPoints();
        // queries in the caller's order are rarely neighbours: those go one at a time
        int group = qs.neighbours() ? Worker.GROUP : 1;
        int len = (int) (to - from);
        long[] order = w.chunkQueries;
        for (int s = 0; s < len; s++) {
            order[s] = nodeOrder ? tree.pointAt(from + s) : from + s;
        }
        if (group > 1 && opt.predecessor()) {
            sortByRow(qs, order, len);
        }
        for (int s = 0; s < len; s += group) {
            int g = Math.min(group, len - s);
            for (int b = 0; b < g; b++) {
                long row = qs.row(order[s + b]);
                w.groupRow[b] = row;
                w.groupExclude[b] = qs.excludedId(row, opt);
                w.groupLimit[b] = qs.idLimit(row, opt, n);
            }
            tree.search(metric, g, qs.byId(), w);
            for (int b = 0; b < g; b++) {
                w.heapFor(b).drainTo(out.indices(), out.distances(), order[s + b]);
            }
        }
    }

    /** Insertion sort of {@code order[0, len)} by query row: a chunk is a handful of queries. */
    private static void sortByRow(QuerySet qs, long[] order, int len) {
        for (int i = 1; i < len; i++) {
            long x = order[i];
            long key = qs.row(x);
            int j = i;
            while (j > 0 && qs.row(order[j - 1]) > key) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = x;
        }
    }
}
