package dev.covertree.engine.internal.search;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The order of the nodes in a finished tree: the root, then its children side by side, then the
 * descendants of its first child in the same order, then those of its second child, and so on down.
 * So every node's children are one block (expanding a node reads adjacent node structs and adjacent
 * node-ordered rows, which the hardware prefetches, instead of chasing sibling links through the
 * whole array) and every node's strict descendants are one contiguous run after its siblings' block.
 *
 * <p>The builder produces the depth-first order, where a node's children sit apart, each after its
 * elder sibling's whole subtree; {@link #relayout} renumbers it.
 */
public final class NodeOrder {
    private NodeOrder() {
    }

    /**
     * Writes the nodes of {@code dfs} (children linked by {@code nextSibling}, one int per node) to
     * {@code out} in this order. {@code newIndex} and {@code stack} are work arrays of at least N ints.
     */
    public static void relayout(MemorySegment dfs, MemorySegment nextSibling, MemorySegment out, MemorySegment newIndex,
                         MemorySegment stack) {
        int n = (int) (dfs.byteSize() / NodeLayout.BYTES);
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
        newIndex.setAtIndex(i32, 0, 0);
        int next = 1;
        int top = 0;
        stack.setAtIndex(i32, top++, 0);
        while (top > 0) {
            int v = stack.getAtIndex(i32, --top);
            int from = top;
            for (int c = NodeLayout.firstChild(dfs, v); c != NodeLayout.NONE; c = nextSibling.getAtIndex(i32, c)) {
                newIndex.setAtIndex(i32, c, next++);
                stack.setAtIndex(i32, top++, c);
            }
            // the first child's descendants come first: reverse so that it is popped first
            for (int a = from, b = top - 1; a < b; a++, b--) {
                int t = stack.getAtIndex(i32, a);
                stack.setAtIndex(i32, a, stack.getAtIndex(i32, b));
                stack.setAtIndex(i32, b, t);
            }
        }
        java.util.function.IntUnaryOperator renumber = x -> newIndex.getAtIndex(i32, x);
        for (int u = 0; u < n; u++) {
            NodeLayout.copy(dfs, u, out, renumber.applyAsInt(u), renumber);
        }
    }
}
