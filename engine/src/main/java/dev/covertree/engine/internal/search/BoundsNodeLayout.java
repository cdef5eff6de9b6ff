package dev.covertree.engine.internal.search;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The bounds tree's nodes as flat structs in one segment, in two regions. First each node's hot part: a
 * fixed header ({@link #HEADER}) and the node's bounding box in tree coordinates ({@code lo[d]}, {@code hi[d]},
 * float64), {@link #stride()} bytes a node (one cache line in two dimensions), which every visit reads.
 * Then, for the residual metric, the per-column range of V over each node's points, a pair
 * {@code (vLo, vHi)} of float32 rounded outward (so they bound the stored values whatever V's dtype), stored
 * column-major: column u of all nodes in node order. A bound reads only a few columns of a node (those where the
 * query's V row is large), and nodes near each other in preorder are near in space, so consecutive queries
 * read the same few lines of each column; a row of m pairs per node would put every node's header a
 * kilobyte from the next and miss the cache on each visit.
 *
 * <p>Nodes are in preorder: a node's left child is the next node, its right child is {@code right}
 * ({@link #LEAF} for a leaf). Each node covers the points at node-order positions {@code [start, end)}; within a
 * leaf the points are in increasing id order, so a predecessor search's candidates in it are a prefix.
 */
public final class BoundsNodeLayout {
    static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("start"),
            ValueLayout.JAVA_INT.withName("end"),
            ValueLayout.JAVA_INT.withName("right"),
            ValueLayout.JAVA_INT.withName("minId"),
            ValueLayout.JAVA_DOUBLE.withName("maxIsp"),
            ValueLayout.JAVA_DOUBLE.withName("maxNorm"));
    /** The {@code right} of a leaf. */
    public static final int LEAF = -1;
    /** Points of a leaf at most: the builder's leaf size, and the size of a search thread's leaf buffers. */
    public static final int LEAF_POINTS = 32;

    private static final long START = offset("start");
    private static final long END = offset("end");
    private static final long RIGHT = offset("right");
    private static final long MIN_ID = offset("minId");
    private static final long MAX_ISP = offset("maxIsp");
    private static final long MAX_NORM = offset("maxNorm");

    private final int dim;
    private final int columns;
    private final int count;
    private final long stride;
    /** Byte offset of the column ranges' region. */
    private final long rangesAt;

    /** {@code count} nodes for {@code dim} tree coordinates and {@code columns} V columns (0 for Euclidean). */
    public BoundsNodeLayout(int dim, int columns, int count) {
        this.dim = dim;
        this.columns = columns;
        this.count = count;
        this.stride = (HEADER.byteSize() + 16L * dim + 7) & -8L;
        this.rangesAt = (count * stride + 63) & -64L;
    }

    /** Bytes of the whole segment: the hot parts, then the column ranges. */
    public long byteSize() {
        return rangesAt + 8L * columns * count;
    }

    private static long offset(String field) {
        return HEADER.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    public long stride() {
        return stride;
    }

    public int dimension() {
        return dim;
    }

    public int columns() {
        return columns;
    }

    /** Byte offset of node {@code node}. */
    long at(int node) {
        return node * stride;
    }

    public int start(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, at(node) + START);
    }

    public int end(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, at(node) + END);
    }

    public int right(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, at(node) + RIGHT);
    }

    public int minId(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, at(node) + MIN_ID);
    }

    /** The largest {@code 1/√p} of the node's points (0 for Euclidean). */
    public double maxIsp(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_DOUBLE, at(node) + MAX_ISP);
    }

    /** The largest computed {@code ‖V_j‖} of the node's points (0 for Euclidean). */
    public double maxNorm(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_DOUBLE, at(node) + MAX_NORM);
    }

    /** Byte offset, within a node, of the box's lower corner; the upper corner follows at {@code + 8 dim}. */
    long boxOffset() {
        return HEADER.byteSize();
    }

    /** Byte offset of node {@code node}'s {@code vLo} of column u; its {@code vHi} is 4 bytes further. */
    public long rangeAt(int node, int u) {
        return rangesAt + 8L * ((long) u * count + node);
    }

    /** Byte offset of node {@code node}'s {@code lo[0]}; {@code lo[k]} is {@code 8k} further. */
    public long boxLoAt(int node) {
        return at(node) + boxOffset();
    }

    /** Byte offset of node {@code node}'s {@code hi[0]}. */
    public long boxHiAt(int node) {
        return at(node) + boxOffset() + 8L * dim;
    }

    public double boxLo(MemorySegment s, int node, int k) {
        return s.get(ValueLayout.JAVA_DOUBLE, at(node) + boxOffset() + 8L * k);
    }

    public double boxHi(MemorySegment s, int node, int k) {
        return s.get(ValueLayout.JAVA_DOUBLE, at(node) + boxOffset() + 8L * (dim + k));
    }

    public float vLo(MemorySegment s, int node, int u) {
        return s.get(ValueLayout.JAVA_FLOAT, rangeAt(node, u));
    }

    public float vHi(MemorySegment s, int node, int u) {
        return s.get(ValueLayout.JAVA_FLOAT, rangeAt(node, u) + 4);
    }

    /**
     * {@code Σ_k t_k²} with {@code t_k} the gap from {@code x[k]} to the node's box (0 inside), as an FMA chain
     * in dimension order: rounding is monotone, so each {@code t_k} is at most the computed
     * {@code |x_k − y_k|} of any point y in the box, and the sum is at most that point's computed s².
     */
    public double nearSquared(MemorySegment s, int node, double[] x) {
        return gapSquared(s, node, x, x);
    }

    /**
     * The same for every point x of the box {@code [lo, hi]} at once: {@code t_k} is the gap between the two
     * boxes, at most {@code |x_k − y_k|} for any x in one and y in the other, and again rounding is monotone.
     */
    public double gapSquared(MemorySegment s, int node, double[] lo, double[] hi) {
        double s2 = 0;
        for (int k = 0; k < dim; k++) {
            double t = gap(boxLo(s, node, k), boxHi(s, node, k), lo[k], hi[k]);
            s2 = Math.fma(t, t, s2);
        }
        return s2;
    }

    /**
     * The gap between the intervals {@code [lo, hi]} and {@code [xlo, xhi]}: the positive one of the two
     * differences, or 0 where they overlap, with no branch on where they lie.
     */
    private static double gap(double lo, double hi, double xlo, double xhi) {
        return Math.max(Math.max(lo - xhi, xlo - hi), 0);
    }

    /**
     * {@link #nearSquared} and, into {@code far[0]}, the same sum with {@code t_k} the distance to the box's
     * farther side, which is at least any point's computed s² (rounding is monotone again): one pass over the
     * box for both, each the same FMA chain in dimension order.
     */
    public double nearFarSquared(MemorySegment s, int node, double[] x, double[] far) {
        double near2 = 0;
        double far2 = 0;
        for (int k = 0; k < dim; k++) {
            double lo = boxLo(s, node, k);
            double hi = boxHi(s, node, k);
            double t = gap(lo, hi, x[k], x[k]);
            near2 = Math.fma(t, t, near2);
            double f = Math.max(Math.abs(x[k] - lo), Math.abs(x[k] - hi));
            far2 = Math.fma(f, f, far2);
        }
        far[0] = far2;
        return near2;
    }

    public void setHeader(MemorySegment s, int node, int start, int end, int right, int minId, double maxIsp, double maxNorm) {
        long o = at(node);
        s.set(ValueLayout.JAVA_DOUBLE, o + MAX_NORM, maxNorm);
        s.set(ValueLayout.JAVA_INT, o + START, start);
        s.set(ValueLayout.JAVA_INT, o + END, end);
        s.set(ValueLayout.JAVA_INT, o + RIGHT, right);
        s.set(ValueLayout.JAVA_INT, o + MIN_ID, minId);
        s.set(ValueLayout.JAVA_DOUBLE, o + MAX_ISP, maxIsp);
    }

    public void setBox(MemorySegment s, int node, int k, double lo, double hi) {
        s.set(ValueLayout.JAVA_DOUBLE, at(node) + boxOffset() + 8L * k, lo);
        s.set(ValueLayout.JAVA_DOUBLE, at(node) + boxOffset() + 8L * (dim + k), hi);
    }

    public void setVRange(MemorySegment s, int node, int u, float lo, float hi) {
        s.set(ValueLayout.JAVA_FLOAT, rangeAt(node, u), lo);
        s.set(ValueLayout.JAVA_FLOAT, rangeAt(node, u) + 4, hi);
    }

    /** Nodes in a subtree over {@code size} points with leaves of at most {@code leaf}: the split is fixed by size. */
    public static int nodeCount(int size, int leaf) {
        if (size <= leaf) {
            return 1;
        }
        int left = size / 2;
        return 1 + nodeCount(left, leaf) + nodeCount(size - left, leaf);
    }
}
