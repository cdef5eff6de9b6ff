package dev.covertree.engine.internal.search;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * One cover-tree node as a flat struct in a segment (40 bytes, no object per node). A node's children
 * are adjacent ({@code firstChild} to {@code firstChild + childCount - 1}) and its strict descendants
 * are one contiguous run ({@link NodeOrder}). Point ids are ints: node links are ints already, so a
 * tree holds at most 2^31 - 1 points.
 */
public final class NodeLayout {
    static final StructLayout NODE = MemoryLayout.structLayout(
            ValueLayout.JAVA_DOUBLE.withName("maxDist"),
            ValueLayout.JAVA_DOUBLE.withName("slack"),
            ValueLayout.JAVA_INT.withName("point"),
            ValueLayout.JAVA_INT.withName("minId"),
            ValueLayout.JAVA_INT.withName("parent"),
            ValueLayout.JAVA_INT.withName("firstChild"),
            ValueLayout.JAVA_INT.withName("childCount"),
            ValueLayout.JAVA_INT.withName("level"));
    public static final long BYTES = NODE.byteSize();

    /** Level of children that duplicate their parent (distance 0): below every real level. */
    public static final int BOTTOM = Integer.MIN_VALUE;
    /** No node (a missing parent or child). */
    public static final int NONE = -1;

    private static final long POINT = offset("point");
    private static final long MIN_ID = offset("minId");
    private static final long MAX_DIST = offset("maxDist");
    private static final long SLACK = offset("slack");
    private static final long PARENT = offset("parent");
    private static final long FIRST_CHILD = offset("firstChild");
    private static final long CHILD_COUNT = offset("childCount");
    private static final long LEVEL = offset("level");

    private NodeLayout() {
    }

    private static long offset(String field) {
        return NODE.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static void put(MemorySegment s, int node, long field, int value) {
        s.set(ValueLayout.JAVA_INT, node * BYTES + field, value);
    }

    private static void put(MemorySegment s, int node, long field, double value) {
        s.set(ValueLayout.JAVA_DOUBLE, node * BYTES + field, value);
    }

    public static long point(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, node * BYTES + POINT);
    }

    public static long minId(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, node * BYTES + MIN_ID);
    }

    public static double maxDist(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_DOUBLE, node * BYTES + MAX_DIST);
    }

    /** The largest {@link dev.covertree.engine.metric.Metric#dataSlack} in the subtree (0 for an exact metric). */
    public static double slack(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_DOUBLE, node * BYTES + SLACK);
    }

    public static int parent(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, node * BYTES + PARENT);
    }

    public static int firstChild(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, node * BYTES + FIRST_CHILD);
    }

    public static int childCount(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, node * BYTES + CHILD_COUNT);
    }

    public static int level(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, node * BYTES + LEVEL);
    }

    /** A node with no children yet: its subtree is itself, whose slack is {@code slack}. */
    public static void set(MemorySegment s, int node, long point, int parent, int level, double slack) {
        put(s, node, POINT, (int) point);
        put(s, node, PARENT, parent);
        put(s, node, LEVEL, level);
        put(s, node, FIRST_CHILD, NONE);
        put(s, node, CHILD_COUNT, 0);
        put(s, node, MIN_ID, (int) point);
        put(s, node, MAX_DIST, 0.0);
        put(s, node, SLACK, slack);
    }

    public static void setSubtree(MemorySegment s, int node, double maxDist, long minId, double slack) {
        put(s, node, MAX_DIST, maxDist);
        put(s, node, MIN_ID, (int) minId);
        put(s, node, SLACK, slack);
    }

    /** Appends {@code child} to the children of {@code node}. */
    public static void addChild(MemorySegment s, int node, int child) {
        int count = childCount(s, node);
        if (count == 0) {
            put(s, node, FIRST_CHILD, child);
        }
        put(s, node, CHILD_COUNT, count + 1);
    }

    /** Copies node {@code from} of {@code src} to node {@code to} of {@code dst}, links renumbered by {@code renumber}. */
    static void copy(MemorySegment src, int from, MemorySegment dst, int to, java.util.function.IntUnaryOperator renumber) {
        MemorySegment.copy(src, from * BYTES, dst, to * BYTES, BYTES);
        int parent = parent(src, from);
        put(dst, to, PARENT, parent == NONE ? NONE : renumber.applyAsInt(parent));
        int first = firstChild(src, from);
        put(dst, to, FIRST_CHILD, first == NONE ? NONE : renumber.applyAsInt(first));
    }
}
