package dev.covertree.engine;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * One bounds-tree node as a flat struct in a segment: a fixed header ({@link #HEADER}), then the node's
 * bounding box in tree coordinates ({@code lo[d]}, {@code hi[d]}, float64), then, for the residual metric,
 * the per-column range of V over the node's points, column by column a pair {@code (vLo_u, vHi_u)} (float32
 * rounded outward, so they bound the stored values whatever V's dtype; paired so that a bound reading a few
 * columns reads one cache line for each). Every node has the same size, {@link #stride()}.
 *
 * <p>Nodes are in preorder: a node's left child is the next node, its right child is {@code right}
 * ({@link #LEAF} for a leaf). Each node covers the points at node-order positions {@code [start, end)}.
 */
final class BoundsNodeLayout {
    static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("start"),
            ValueLayout.JAVA_INT.withName("end"),
            ValueLayout.JAVA_INT.withName("right"),
            ValueLayout.JAVA_INT.withName("minId"),
            ValueLayout.JAVA_DOUBLE.withName("maxIsp"),
            ValueLayout.JAVA_DOUBLE.withName("maxNorm"));
    /** The {@code right} of a leaf. */
    static final int LEAF = -1;

    private static final long START = offset("start");
    private static final long END = offset("end");
    private static final long RIGHT = offset("right");
    private static final long MIN_ID = offset("minId");
    private static final long MAX_ISP = offset("maxIsp");
    private static final long MAX_NORM = offset("maxNorm");

    private final int dim;
    private final int columns;
    private final long stride;

    /** Nodes for {@code dim} tree coordinates and {@code columns} V columns (0 for Euclidean). */
    BoundsNodeLayout(int dim, int columns) {
        this.dim = dim;
        this.columns = columns;
        this.stride = (HEADER.byteSize() + 16L * dim + 8L * columns + 7) & -8L;
    }

    private static long offset(String field) {
        return HEADER.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    long stride() {
        return stride;
    }

    int dimension() {
        return dim;
    }

    int columns() {
        return columns;
    }

    /** Byte offset of node {@code node}. */
    long at(int node) {
        return node * stride;
    }

    int start(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT_UNALIGNED, at(node) + START);
    }

    int end(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT_UNALIGNED, at(node) + END);
    }

    int right(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT_UNALIGNED, at(node) + RIGHT);
    }

    int minId(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT_UNALIGNED, at(node) + MIN_ID);
    }

    /** The largest {@code 1/√p} of the node's points (0 for Euclidean). */
    double maxIsp(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(node) + MAX_ISP);
    }

    /** The largest computed {@code ‖V_j‖} of the node's points (0 for Euclidean). */
    double maxNorm(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(node) + MAX_NORM);
    }

    /** Byte offset, within a node, of the box's lower corner; the upper corner follows at {@code + 8 dim}. */
    long boxOffset() {
        return HEADER.byteSize();
    }

    /** Byte offset, within a node, of {@code vLo_0}; column u's pair is {@code 8u} further, {@code vHi_u} 4 after {@code vLo_u}. */
    long vRangeOffset() {
        return HEADER.byteSize() + 16L * dim;
    }

    /** Byte offset of node {@code node}'s {@code lo[0]}; {@code lo[k]} is {@code 8k} further. */
    long boxLoAt(int node) {
        return at(node) + boxOffset();
    }

    /** Byte offset of node {@code node}'s {@code hi[0]}. */
    long boxHiAt(int node) {
        return at(node) + boxOffset() + 8L * dim;
    }

    double boxLo(MemorySegment s, int node, int k) {
        return s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(node) + boxOffset() + 8L * k);
    }

    double boxHi(MemorySegment s, int node, int k) {
        return s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(node) + boxOffset() + 8L * (dim + k));
    }

    float vLo(MemorySegment s, int node, int u) {
        return s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at(node) + vRangeOffset() + 8L * u);
    }

    float vHi(MemorySegment s, int node, int u) {
        return s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at(node) + vRangeOffset() + 8L * u + 4);
    }

    /**
     * {@code Σ_k t_k²} with {@code t_k} the gap from {@code x[k]} to the node's box (0 inside), as an FMA chain
     * in dimension order: rounding is monotone, so each {@code t_k} is at most the computed
     * {@code |x_k − y_k|} of any point y in the box, and the sum is at most that point's computed s².
     */
    double nearSquared(MemorySegment s, int node, double[] x) {
        return gapSquared(s, node, x, x);
    }

    /**
     * The same for every point x of the box {@code [lo, hi]} at once: {@code t_k} is the gap between the two
     * boxes, at most {@code |x_k − y_k|} for any x in one and y in the other, and again rounding is monotone.
     */
    double gapSquared(MemorySegment s, int node, double[] lo, double[] hi) {
        double s2 = 0;
        for (int k = 0; k < dim; k++) {
            // the positive one of the two gaps, or 0 where the boxes overlap: no branch on where they lie
            double t = Math.max(Math.max(boxLo(s, node, k) - hi[k], lo[k] - boxHi(s, node, k)), 0);
            s2 = Math.fma(t, t, s2);
        }
        return s2;
    }

    /** The same with {@code t_k} the distance to the box's farther side: at least any point's computed s². */
    double farSquared(MemorySegment s, int node, double[] x) {
        double s2 = 0;
        for (int k = 0; k < dim; k++) {
            double f = Math.max(Math.abs(x[k] - boxLo(s, node, k)), Math.abs(x[k] - boxHi(s, node, k)));
            s2 = Math.fma(f, f, s2);
        }
        return s2;
    }

    void setHeader(MemorySegment s, int node, int start, int end, int right, int minId, double maxIsp, double maxNorm) {
        long o = at(node);
        s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, o + MAX_NORM, maxNorm);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, o + START, start);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, o + END, end);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, o + RIGHT, right);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, o + MIN_ID, minId);
        s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, o + MAX_ISP, maxIsp);
    }

    void setBox(MemorySegment s, int node, int k, double lo, double hi) {
        s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(node) + boxOffset() + 8L * k, lo);
        s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(node) + boxOffset() + 8L * (dim + k), hi);
    }

    void setVRange(MemorySegment s, int node, int u, float lo, float hi) {
        s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at(node) + vRangeOffset() + 8L * u, lo);
        s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at(node) + vRangeOffset() + 8L * u + 4, hi);
    }

    /** Nodes in a subtree over {@code size} points with leaves of at most {@code leaf}: the split is fixed by size. */
    static int nodeCount(int size, int leaf) {
        if (size <= leaf) {
            return 1;
        }
        int left = size / 2;
        return 1 + nodeCount(left, leaf) + nodeCount(size - left, leaf);
    }
}
