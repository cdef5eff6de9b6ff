package dev.covertree.engine.bounds;

import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.WideNodeLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * The wide view of a residual bounds tree ({@link WideNodeLayout}), made from its binary nodes after a build
 * or a load: the residual search bounds a node's eight descendants three levels down with one vector pass
 * instead of fourteen bounds one by one on the way there, and pops a queue entry per wide node instead of
 * per binary node. The binary nodes stay as they are (the saved file, the validator and the leaves use them).
 *
 * <p>The levels are counted from the leaves: the root's lanes are the binary nodes {@code h mod 3} levels
 * down ({@code h} the tree's height; 3 when that is 0, and the root itself when it is a leaf), and every other
 * wide node spans three levels, so a balanced tree's last wide nodes have leaves in all their lanes. A leaf met
 * earlier is a lane of its own.
 */
final class WideNodes {
    private final WideNodeLayout layout;
    private final MemorySegment nodes;

    private WideNodes(WideNodeLayout layout, MemorySegment nodes) {
        this.layout = layout;
        this.nodes = nodes;
    }

    WideNodeLayout layout() {
        return layout;
    }

    MemorySegment nodes() {
        return nodes;
    }

    /**
     * The wide view of the {@code count} binary nodes in {@code binary}, in a zeroed segment {@code memory} gives
     * for a number of bytes.
     */
    static WideNodes of(BoundsNodeLayout bl, MemorySegment binary, int count, LongFunction<MemorySegment> memory) {
        int[] height = new int[count];
        for (int b = count - 1; b >= 0; b--) {
            int right = bl.right(binary, b);
            height[b] = right == BoundsNodeLayout.LEAF ? 0 : 1 + Math.max(height[b + 1], height[right]);
        }
        int rest = height[0] % WideNodeLayout.LEVELS;
        Numbering wide = new Numbering(bl, binary);
        wide.number(0, rest == 0 ? Math.min(height[0], WideNodeLayout.LEVELS) : rest);
        WideNodeLayout layout = new WideNodeLayout(bl.dimension(), bl.columns(), wide.size);
        MemorySegment s = memory.apply(layout.byteSize());
        for (int w = 0; w < wide.size; w++) {
            int n = wide.lanes[w];
            layout.setLanes(s, w, n);
            for (int l = 0, at = WideNodeLayout.FAN * w; l < WideNodeLayout.FAN; l++) {
                layout.setLane(s, w, l, wide.code[at + l], binary, bl, wide.lane[at + l]);
            }
        }
        copyRanges(bl, binary, count, layout, s, wide);
        return new WideNodes(layout, s);
    }

    /**
     * The wide nodes in preorder: each one's lanes' binary nodes, their child codes, and its lane count. The
     * lanes past a wide node's count repeat its lane 0, so that their bounds are computed on finite values (and
     * ignored).
     */
    private static final class Numbering {
        private final BoundsNodeLayout bl;
        private final MemorySegment binary;
        int[] lane = new int[WideNodeLayout.FAN * 64];
        int[] code = new int[WideNodeLayout.FAN * 64];
        int[] lanes = new int[64];
        int size;

        Numbering(BoundsNodeLayout bl, MemorySegment binary) {
            this.bl = bl;
            this.binary = binary;
        }

        /** Numbers the wide node of the descendants of {@code b} {@code levels} below it, then theirs. */
        void number(int b, int levels) {
            int w = size++;
            if (lanes.length == w) {
                lanes = Arrays.copyOf(lanes, 2 * w);
                lane = Arrays.copyOf(lane, 2 * lane.length);
                code = Arrays.copyOf(code, 2 * code.length);
            }
            int first = WideNodeLayout.FAN * w;
            int n = collect(b, levels, first);
            lanes[w] = n;
            Arrays.fill(lane, first + n, first + WideNodeLayout.FAN, lane[first]);
            for (int l = first; l < first + n; l++) {
                int c = lane[l];
                if (bl.right(binary, c) == BoundsNodeLayout.LEAF) {
                    code[l] = ~c;
                } else {
                    // the next number in preorder is the one this lane's wide node gets
                    code[l] = size;
                    number(c, WideNodeLayout.LEVELS);
                }
            }
            Arrays.fill(code, first + n, first + WideNodeLayout.FAN, code[first]);
        }

        /** The descendants of {@code b} {@code levels} below it, and leaves met before, in preorder, into {@code lane[at …]}. */
        private int collect(int b, int levels, int at) {
            int right = bl.right(binary, b);
            if (levels == 0 || right == BoundsNodeLayout.LEAF) {
                lane[at] = b;
                return 1;
            }
            int n = collect(b + 1, levels - 1, at);
            return n + collect(right, levels - 1, at + n);
        }
    }

    /**
     * The lanes' column ranges, one column at a time: the binary column read in one bulk copy, the wide one
     * assembled in an array and written in one (a pass made once per tree, mostly before the JIT compiles it,
     * where a segment access per element would cost many times an array's).
     */
    private static void copyRanges(BoundsNodeLayout bl, MemorySegment binary, int count, WideNodeLayout layout, MemorySegment s,
                                   Numbering wide) {
        int fan = WideNodeLayout.FAN;
        float[] column = new float[2 * count];
        float[] out = new float[2 * fan * wide.size];
        for (int u = 0; u < bl.columns(); u++) {
            MemorySegment.copy(binary, ValueLayout.JAVA_FLOAT, bl.rangeAt(0, u), column, 0, 2 * count);
            for (int w = 0; w < wide.size; w++) {
                for (int l = 0; l < fan; l++) {
                    int b = wide.lane[fan * w + l];
                    out[2 * fan * w + l] = column[2 * b];
                    out[2 * fan * w + fan + l] = column[2 * b + 1];
                }
            }
            MemorySegment.copy(out, 0, s, ValueLayout.JAVA_FLOAT, layout.rangesAt(0) + layout.columnStride() * u, out.length);
        }
    }
}
