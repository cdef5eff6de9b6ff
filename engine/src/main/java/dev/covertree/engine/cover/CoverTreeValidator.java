package dev.covertree.engine.cover;

import dev.covertree.engine.internal.search.NodeLayout;
import dev.covertree.engine.metric.Metric;
import java.lang.foreign.MemorySegment;

/**
 * Checks a built tree against every invariant of {@link CoverTree}: each point exactly once, links
 * consistent, the {@link dev.covertree.engine.internal.search.NodeOrder}, covering and separation at every level, and every stored maximum
 * distance and minimum id recomputed exactly. O(N · depth) distances: meant for tests.
 */
final class CoverTreeValidator {
    private CoverTreeValidator() {
    }

    static void validate(CoverTree tree, Metric metric) {
        MemorySegment s = tree.nodes;
        int n = (int) tree.size();
        check(NodeLayout.parent(s, 0) == NodeLayout.NONE, "the root has a parent");
        // subtree sizes, children before parents (a child always follows its parent)
        int[] size = new int[n];
        for (int v = n - 1; v >= 0; v--) {
            size[v] += 1;
            int first = NodeLayout.firstChild(s, v);
            int count = NodeLayout.childCount(s, v);
            check(count >= 0 && (count == 0) == (first == NodeLayout.NONE), "node " + v + " has " + count
                    + " children starting at " + first);
            check(count == 0 || (first > v && first + count <= n), "the children of " + v + " are outside (" + v + ", " + n + ")");
            for (int c = first; c < first + count; c++) {
                check(NodeLayout.parent(s, c) == v, "node " + c + " is linked under " + v + " but names parent "
                        + NodeLayout.parent(s, c));
                size[v] += size[c];
            }
        }
        check(size[0] == n, "the root's subtree holds " + size[0] + " of " + n + " nodes");
        // NodeOrder: children side by side, then each child's descendants in turn, from the root down
        int[] descendantsFrom = new int[n];
        descendantsFrom[0] = 1;
        boolean[] seen = new boolean[n];
        for (int v = 0; v < n; v++) {
            int first = NodeLayout.firstChild(s, v);
            int count = NodeLayout.childCount(s, v);
            check(count == 0 || first == descendantsFrom[v], "the children of " + v + " start at " + first + ", not "
                    + descendantsFrom[v]);
            int run = descendantsFrom[v] + count;
            for (int c = first; c < first + count; c++) {
                descendantsFrom[c] = run;
                run += size[c] - 1;
            }
            long pt = NodeLayout.point(s, v);
            check(pt >= 0 && pt < n && !seen[(int) pt], "point " + pt + " at node " + v + " is missing or repeated");
            seen[(int) pt] = true;
            checkSubtree(s, v, descendantsFrom[v], descendantsFrom[v] + size[v] - 1, metric);
        }
    }

    /** Node {@code v}'s children and the values it stores, its strict descendants being nodes [from, to). */
    private static void checkSubtree(MemorySegment s, int v, int from, int to, Metric metric) {
        long pt = NodeLayout.point(s, v);
        int first = NodeLayout.firstChild(s, v);
        int prevLevel = Integer.MAX_VALUE;
        for (int c = first; c < first + NodeLayout.childCount(s, v); c++) {
            int lc = NodeLayout.level(s, c);
            check(lc < NodeLayout.level(s, v), "child " + c + " is not below its parent's level");
            check(lc <= prevLevel, "children of " + v + " are not in decreasing level order");
            prevLevel = lc;
            double d = metric.workingDistance(pt, NodeLayout.point(s, c));
            if (lc == NodeLayout.BOTTOM) {
                check(d == 0, "bottom-level child " + c + " is at distance " + d + " from its parent");
            } else {
                double r = Math.scalb(1.0, lc);
                check(d > r && d <= 2 * r, "covering: child " + c + " at level " + lc + " is at distance " + d
                        + " from its parent, outside (" + r + ", " + 2 * r + "]");
                for (int b = c + 1; b < first + NodeLayout.childCount(s, v) && NodeLayout.level(s, b) == lc; b++) {
                    double sep = metric.workingDistance(NodeLayout.point(s, c), NodeLayout.point(s, b));
                    check(sep > r, "separation: siblings " + c + " and " + b + " at level " + lc + " are only " + sep + " apart");
                }
            }
        }
        double maxD = 0;
        long minId = pt;
        double slack = metric.dataSlack(pt);
        for (int u = from; u < to; u++) {
            maxD = Math.max(maxD, metric.workingDistance(pt, NodeLayout.point(s, u)));
            minId = Math.min(minId, NodeLayout.point(s, u));
            slack = Math.max(slack, metric.dataSlack(NodeLayout.point(s, u)));
        }
        check(slack == NodeLayout.slack(s, v), "node " + v + " stores slack " + NodeLayout.slack(s, v)
                + " but the largest in its subtree is " + slack);
        check(maxD == NodeLayout.maxDist(s, v), "node " + v + " stores max distance " + NodeLayout.maxDist(s, v)
                + " but its farthest descendant is at " + maxD);
        check(minId == NodeLayout.minId(s, v), "node " + v + " stores min id " + NodeLayout.minId(s, v)
                + " but its smallest descendant id is " + minId);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("cover tree invariant violated: " + message);
        }
    }
}
