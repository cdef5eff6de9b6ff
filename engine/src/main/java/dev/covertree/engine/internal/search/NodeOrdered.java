package dev.covertree.engine.internal.search;

/**
 * A tree whose points are renumbered in its node order (the cover tree, the bounds tree): position
 * {@code pos} of that order holds point {@link #pointAt}. An all-points search visits queries in this
 * order, so that consecutive queries are neighbours; AUTO's sample of such a job takes a run of it.
 */
public interface NodeOrdered {
    /** Number of points. */
    long size();

    /** The point at node-order position {@code pos}. */
    long pointAt(long pos);

    /** The points of {@code count} consecutive node-order positions from the middle of the order. */
    default long[] middleOfNodeOrder(int count) {
        int c = (int) Math.min(count, size());
        long from = (size() - c) / 2;
        long[] out = new long[c];
        for (int i = 0; i < c; i++) {
            out[i] = pointAt(from + i);
        }
        return out;
    }
}
