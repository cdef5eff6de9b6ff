package dev.covertree.engine;

import java.lang.foreign.MemorySegment;

/**
 * Checks a built tree against every invariant of {@link CoverTree}: each point exactly once, links
 * consistent, depth-first order, covering and separation at every level, and every stored maximum
 * distance and minimum id recomputed exactly. O(N · depth) distances: meant for tests.
 */
final class CoverTreeValidator {
    private CoverTreeValidator() {
    }

    static void validate(CoverTree tree, Metric metric) {
        MemorySegment s = tree.nodes;
        int n = (int) tree.size();
        boolean[] seen = new boolean[n];
        int[] subtreeEnd = new int[n];
        check(NodeLayout.parent(s, 0) == NodeLayout.NONE, "the root has a parent");
        for (int v = n - 1; v >= 0; v--) {
            long pt = NodeLayout.point(s, v);
            check(pt >= 0 && pt < n && !seen[(int) pt], "point " + pt + " at node " + v + " is missing or repeated");
            seen[(int) pt] = true;
            // depth-first order: children follow their parent, each subtree one contiguous run
            int end = v + 1;
            int prevLevel = Integer.MAX_VALUE;
            for (int c = NodeLayout.firstChild(s, v); c != NodeLayout.NONE; c = NodeLayout.nextSibling(s, c)) {
                check(NodeLayout.parent(s, c) == v, "node " + c + " is linked under " + v + " but names parent "
                        + NodeLayout.parent(s, c));
                check(c > v, "child " + c + " precedes its parent " + v);
                end = Math.max(end, subtreeEnd[c]);
                int lc = NodeLayout.level(s, c);
                check(lc < NodeLayout.level(s, v), "child " + c + " is not below its parent's level");
                check(lc <= prevLevel, "children of " + v + " are not in decreasing level order");
                prevLevel = lc;
                double d = metric.distance(NodeLayout.point(s, v), NodeLayout.point(s, c));
                if (lc == NodeLayout.BOTTOM) {
                    check(d == 0, "bottom-level child " + c + " is at distance " + d + " from its parent");
                } else {
                    double r = Math.scalb(1.0, lc);
                    check(d > r && d <= 2 * r, "covering: child " + c + " at level " + lc + " is at distance " + d
                            + " from its parent, outside (" + r + ", " + 2 * r + "]");
                }
            }
            subtreeEnd[v] = end;
            double maxD = 0;
            long minId = pt;
            double slack = metric.dataSlack(pt);
            for (int u = v + 1; u < end; u++) {
                maxD = Math.max(maxD, metric.distance(pt, NodeLayout.point(s, u)));
                minId = Math.min(minId, NodeLayout.point(s, u));
                slack = Math.max(slack, metric.dataSlack(NodeLayout.point(s, u)));
            }
            check(slack == NodeLayout.slack(s, v), "node " + v + " stores slack " + NodeLayout.slack(s, v)
                    + " but the largest in its subtree is " + slack);
            check(maxD == NodeLayout.maxDist(s, v), "node " + v + " stores max distance " + NodeLayout.maxDist(s, v)
                    + " but its farthest descendant is at " + maxD);
            check(minId == NodeLayout.minId(s, v), "node " + v + " stores min id " + NodeLayout.minId(s, v)
                    + " but its smallest descendant id is " + minId);
            checkSeparation(s, v, metric);
        }
        check(subtreeEnd[0] == n, "the root's subtree does not span every node");
    }

    private static void checkSeparation(MemorySegment s, int v, Metric metric) {
        for (int a = NodeLayout.firstChild(s, v); a != NodeLayout.NONE; a = NodeLayout.nextSibling(s, a)) {
            int la = NodeLayout.level(s, a);
            if (la == NodeLayout.BOTTOM) {
                continue;
            }
            for (int b = NodeLayout.nextSibling(s, a); b != NodeLayout.NONE && NodeLayout.level(s, b) == la;
                 b = NodeLayout.nextSibling(s, b)) {
                double d = metric.distance(NodeLayout.point(s, a), NodeLayout.point(s, b));
                check(d > Math.scalb(1.0, la), "separation: siblings " + a + " and " + b + " at level " + la
                        + " are only " + d + " apart");
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("cover tree invariant violated: " + message);
        }
    }
}
