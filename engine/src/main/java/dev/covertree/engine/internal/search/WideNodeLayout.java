package dev.covertree.engine.internal.search;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bounds tree's residual search view: each wide node holds, lane by lane, the summaries of up to
 * {@link #FAN} binary nodes three levels below one binary node (its <em>lanes</em>), so that a search bounds all
 * of them at once, one vector lane per binary node, where the binary descent would bound them pair by pair on
 * the way down. The summaries are the binary nodes' own values, copied: a lane's bound is the same number
 * {@code nodeLowerBound} gives its binary node.
 *
 * <p>A wide node is a flat struct (a multiple of 64 bytes), each field an array over the lanes (lane l at
 * {@code 8l} or {@code 4l}): {@code maxIsp[8]}, {@code maxNorm[8]}, then per tree dimension k {@code lo_k[8]},
 * {@code hi_k[8]} (float64), then {@code child[8]}, {@code minId[8]}, {@code binary[8]} (the lane's binary node)
 * and the lane count (int). A lane's child is
 * the wide node that holds its binary node's descendants, or, for a leaf, {@code ~leaf} (the binary leaf's
 * number, negative). Then, as in {@link BoundsNodeLayout}, the V column ranges column-major: for column u and
 * wide node w one 64-byte line, {@code vLo[8]} then {@code vHi[8]} (float32), so a bound reads one line per
 * column it needs. Wide node 0 is the root; the others follow in preorder.
 */
public final class WideNodeLayout {
    /** Lanes of a wide node: the binary nodes three levels down. */
    public static final int FAN = 8;
    /** Binary levels a wide node spans. */
    public static final int LEVELS = 3;

    private static final long MAX_ISP = 0;
    private static final long MAX_NORM = 8L * FAN;
    private static final long BOX = 16L * FAN;

    private final int dim;
    private final int columns;
    private final int count;
    private final long child;
    private final long minId;
    private final long binary;
    private final long lanes;
    private final long stride;
    private final long rangesAt;

    /** {@code count} wide nodes over {@code dim} tree coordinates and {@code columns} V columns. */
    public WideNodeLayout(int dim, int columns, int count) {
        this.dim = dim;
        this.columns = columns;
        this.count = count;
        this.child = BOX + 16L * FAN * dim;
        this.minId = child + 4L * FAN;
        this.binary = minId + 4L * FAN;
        this.lanes = binary + 4L * FAN;
        this.stride = (lanes + 4 + 63) & -64L;
        this.rangesAt = count * stride;
    }

    /**
     * Bytes of the wide view of a tree of {@code binaryCount} binary nodes at most: every wide node but the root is
     * one inner binary node's, and a binary tree has fewer inner nodes than leaves.
     */
    public static long byteSizeAtMost(int dim, int columns, int binaryCount) {
        return new WideNodeLayout(dim, columns, 1 + binaryCount / 2).byteSize();
    }

    /** Bytes of the whole segment: the wide nodes, then the column ranges. */
    public long byteSize() {
        return rangesAt + 64L * columns * count;
    }

    public int count() {
        return count;
    }

    public int dimension() {
        return dim;
    }

    private long at(int node) {
        return node * stride;
    }

    /** Byte offset of wide node {@code node}'s {@code maxIsp[0]}; {@code maxNorm[0]} is {@code 8 FAN} further. */
    public long ispAt(int node) {
        return at(node) + MAX_ISP;
    }

    public long normAt(int node) {
        return at(node) + MAX_NORM;
    }

    /** Byte offset of {@code lo_0[0]}: {@code lo_k[l]} is at {@code + 8 (2 FAN k + l)}, {@code hi_k[l]} {@code 8 FAN} after it. */
    public long boxAt(int node) {
        return at(node) + BOX;
    }

    /** Byte offset of wide node {@code node}'s line for column 0: column u's is {@link #columnStride()} u further. */
    public long rangesAt(int node) {
        return rangesAt + 64L * node;
    }

    /** Bytes from one column's line of a wide node to the next column's. */
    public long columnStride() {
        return 64L * count;
    }

    public int lanes(MemorySegment s, int node) {
        return s.get(ValueLayout.JAVA_INT, at(node) + lanes);
    }

    public int child(MemorySegment s, int node, int lane) {
        return s.get(ValueLayout.JAVA_INT, at(node) + child + 4L * lane);
    }

    public int minId(MemorySegment s, int node, int lane) {
        return s.get(ValueLayout.JAVA_INT, at(node) + minId + 4L * lane);
    }

    /** The binary node whose summaries lane {@code lane} holds. */
    public int binaryNode(MemorySegment s, int node, int lane) {
        return s.get(ValueLayout.JAVA_INT, at(node) + binary + 4L * lane);
    }

    public double maxIsp(MemorySegment s, int node, int lane) {
        return s.get(ValueLayout.JAVA_DOUBLE, ispAt(node) + 8L * lane);
    }

    public double maxNorm(MemorySegment s, int node, int lane) {
        return s.get(ValueLayout.JAVA_DOUBLE, normAt(node) + 8L * lane);
    }

    public void setLanes(MemorySegment s, int node, int n) {
        s.set(ValueLayout.JAVA_INT, at(node) + lanes, n);
    }

    /**
     * Lane {@code lane} of wide node {@code node}: its child and the summaries of its binary node, copied from
     * node {@code b} of the binary nodes {@code from} ({@code bl}); the column ranges are copied apart.
     */
    public void setLane(MemorySegment s, int node, int lane, int childCode, MemorySegment from, BoundsNodeLayout bl, int b) {
        long o = at(node);
        s.set(ValueLayout.JAVA_INT, o + child + 4L * lane, childCode);
        s.set(ValueLayout.JAVA_INT, o + minId + 4L * lane, bl.minId(from, b));
        s.set(ValueLayout.JAVA_INT, o + binary + 4L * lane, b);
        s.set(ValueLayout.JAVA_DOUBLE, ispAt(node) + 8L * lane, bl.maxIsp(from, b));
        s.set(ValueLayout.JAVA_DOUBLE, normAt(node) + 8L * lane, bl.maxNorm(from, b));
        for (int k = 0; k < dim; k++) {
            s.set(ValueLayout.JAVA_DOUBLE, boxAt(node) + 8L * (2 * FAN * k + lane), bl.boxLo(from, b, k));
            s.set(ValueLayout.JAVA_DOUBLE, boxAt(node) + 8L * (2 * FAN * k + FAN + lane), bl.boxHi(from, b, k));
        }
    }
}
