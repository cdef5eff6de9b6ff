package dev.covertree.engine.bounds;

import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.metric.Metric;
import java.lang.foreign.MemorySegment;

/** Checks a {@link BoundsTree}'s structure and every node summary against the points below it. */
final class BoundsTreeValidator {
    private BoundsTreeValidator() {
    }

    static void validate(BoundsTree tree, Metric metric, BoundsNodeLayout layout, MemorySegment nodes) {
        long n = tree.size();
        boolean[] seen = new boolean[(int) n];
        for (int pos = 0; pos < n; pos++) {
            int id = (int) tree.pointAt(pos);
            check(id >= 0 && id < n && !seen[id], "node order position " + pos + " holds id " + id + " twice or out of range");
            seen[id] = true;
        }
        int end = check(tree, metric, layout, nodes, 0, 0, (int) n);
        check(end == tree.nodeCount(), "preorder ends at node " + end + ", the tree has " + tree.nodeCount());
    }

    /** Checks the subtree at {@code node} covering {@code [start, end)}; returns the node after it in preorder. */
    private static int check(BoundsTree tree, Metric metric, BoundsNodeLayout layout, MemorySegment nodes, int node, int start,
                             int end) {
        check(layout.start(nodes, node) == start && layout.end(nodes, node) == end,
                "node " + node + " covers [" + layout.start(nodes, node) + ", " + layout.end(nodes, node) + "), expected ["
                        + start + ", " + end + ")");
        int minId = Integer.MAX_VALUE;
        double[] row = new double[layout.columns()];
        double maxIsp = 0;
        double maxNorm = 0;
        for (int pos = start; pos < end; pos++) {
            long id = tree.pointAt(pos);
            minId = (int) Math.min(minId, id);
            maxIsp = Math.max(maxIsp, metric.summaryInvSqrtP(id));
            for (int k = 0; k < layout.dimension(); k++) {
                double x = metric.treeCoordinate(id, k);
                check(layout.boxLo(nodes, node, k) <= x && x <= layout.boxHi(nodes, node, k),
                        "point " + id + " is outside the box of node " + node + " in dimension " + k);
            }
            if (layout.columns() > 0) {
                metric.summaryRow(id, row);
                maxNorm = Math.max(maxNorm, metric.summaryNorm(row));
            }
            for (int u = 0; u < layout.columns(); u++) {
                double v = row[u];
                check(layout.vLo(nodes, node, u) <= v && v <= layout.vHi(nodes, node, u),
                        "V[" + id + "][" + u + "] = " + v + " is outside node " + node + "'s column range");
            }
        }
        check(layout.minId(nodes, node) == minId, "node " + node + " stores smallest id " + layout.minId(nodes, node)
                + ", its points' is " + minId);
        check(layout.maxIsp(nodes, node) == maxIsp, "node " + node + " stores largest 1/sqrt(p) " + layout.maxIsp(nodes, node)
                + ", its points' is " + maxIsp);
        check(layout.maxNorm(nodes, node) == maxNorm, "node " + node + " stores largest |V| " + layout.maxNorm(nodes, node)
                + ", its points' is " + maxNorm);
        int right = layout.right(nodes, node);
        if (right == BoundsNodeLayout.LEAF) {
            check(end - start <= BoundsTree.LEAF, "leaf " + node + " holds " + (end - start) + " points");
            for (int pos = start + 1; pos < end; pos++) {
                check(tree.pointAt(pos - 1) < tree.pointAt(pos), "leaf " + node + " holds id " + tree.pointAt(pos - 1)
                        + " before id " + tree.pointAt(pos) + " (a leaf's ids must increase)");
            }
            return node + 1;
        }
        int mid = start + (end - start) / 2;
        int next = check(tree, metric, layout, nodes, node + 1, start, mid);
        check(next == right, "node " + node + "'s right child is " + right + ", its left subtree ends at " + next);
        return check(tree, metric, layout, nodes, right, mid, end);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("bounds tree invalid: " + what);
        }
    }
}
