package dev.covertree.engine;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One cover-tree node as a flat struct in a segment (40 bytes, no object per node). Nodes are stored in
 * depth-first pre-order, so a subtree is a contiguous run starting at its root. Point ids are ints:
 * node links are ints already, so a tree holds at most 2^31 - 1 points.
 */
final class NodeLayout {
    static final StructLayout NODE = MemoryLayout.structLayout(
            ValueLayout.JAVA_DOUBLE.withName("maxDist"),
            ValueLayout.JAVA_DOUBLE.withName("slack"),
            ValueLayout.JAVA_INT.withName("point"),
            ValueLayout.JAVA_INT.withName("minId"),
            ValueLayout.JAVA_INT.withName("parent"),
            ValueLayout.JAVA_INT.withName("firstChild"),
            ValueLayout.JAVA_INT.withName("nextSibling"),
            ValueLayout.JAVA_INT.withName("level"));
    static final long BYTES = NODE.byteSize();

    /** Level of children that duplicate their parent (distance 0): below every real level. */
    static final int BOTTOM = Integer.MIN_VALUE;
    /** No node (a missing parent, child or sibling). */
    static final int NONE = -1;

    private static final VarHandle POINT = handle("point");
    private static final VarHandle MIN_ID = handle("minId");
    private static final VarHandle MAX_DIST = handle("maxDist");
    private static final VarHandle SLACK = handle("slack");
    private static final VarHandle PARENT = handle("parent");
    private static final VarHandle FIRST_CHILD = handle("firstChild");
    private static final VarHandle NEXT_SIBLING = handle("nextSibling");
    private static final VarHandle LEVEL = handle("level");

    private NodeLayout() {
    }

    private static VarHandle handle(String field) {
        return NODE.arrayElementVarHandle(MemoryLayout.PathElement.groupElement(field));
    }

    static long point(MemorySegment s, int node) {
        return (int) POINT.get(s, 0L, (long) node);
    }

    static long minId(MemorySegment s, int node) {
        return (int) MIN_ID.get(s, 0L, (long) node);
    }

    static double maxDist(MemorySegment s, int node) {
        return (double) MAX_DIST.get(s, 0L, (long) node);
    }

    /** The largest {@link Metric#pointSlack} in the subtree (0 for an exact metric). */
    static double slack(MemorySegment s, int node) {
        return (double) SLACK.get(s, 0L, (long) node);
    }

    static int parent(MemorySegment s, int node) {
        return (int) PARENT.get(s, 0L, (long) node);
    }

    static int firstChild(MemorySegment s, int node) {
        return (int) FIRST_CHILD.get(s, 0L, (long) node);
    }

    static int nextSibling(MemorySegment s, int node) {
        return (int) NEXT_SIBLING.get(s, 0L, (long) node);
    }

    static int level(MemorySegment s, int node) {
        return (int) LEVEL.get(s, 0L, (long) node);
    }

    /** A node with no children yet: its subtree is itself, whose slack is {@code slack}. */
    static void set(MemorySegment s, int node, long point, int parent, int level, double slack) {
        POINT.set(s, 0L, (long) node, (int) point);
        PARENT.set(s, 0L, (long) node, parent);
        LEVEL.set(s, 0L, (long) node, level);
        FIRST_CHILD.set(s, 0L, (long) node, NONE);
        NEXT_SIBLING.set(s, 0L, (long) node, NONE);
        MIN_ID.set(s, 0L, (long) node, (int) point);
        MAX_DIST.set(s, 0L, (long) node, 0.0);
        SLACK.set(s, 0L, (long) node, slack);
    }

    static void setSubtree(MemorySegment s, int node, double maxDist, long minId, double slack) {
        MAX_DIST.set(s, 0L, (long) node, maxDist);
        MIN_ID.set(s, 0L, (long) node, (int) minId);
        SLACK.set(s, 0L, (long) node, slack);
    }

    static void setFirstChild(MemorySegment s, int node, int child) {
        FIRST_CHILD.set(s, 0L, (long) node, child);
    }

    static void setNextSibling(MemorySegment s, int node, int sibling) {
        NEXT_SIBLING.set(s, 0L, (long) node, sibling);
    }
}
