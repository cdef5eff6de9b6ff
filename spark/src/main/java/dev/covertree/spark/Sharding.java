package dev.covertree.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How a job is cut: {@code segments} contiguous id ranges of the points (segment s holds ids
 * {@code [start(s), start(s + 1))}, sizes differing by at most one) and blocks of {@code blockRows}
 * consecutive output rows; a task is one (segment, block) pair. In predecessor mode a block visits only the
 * segments that start below its largest query id, since query i may only return ids below i.
 *
 * @param points    N
 * @param queries   output rows Q
 * @param segments  number of segments, 1 … N
 * @param blockRows rows per block, &gt;= 1
 */
record Sharding(long points, long queries, int segments, int blockRows) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Most rows in one block. */
    static final int MAX_BLOCK_ROWS = 1 << 16;
    /** Most bytes of one block's partial lists (ids and distances, 16 bytes per entry): a record a task holds twice while merging. */
    static final long MAX_BLOCK_BYTES = 64L << 20;
    /** Blocks per segment and worker core when the caller does not choose: enough to balance uneven tasks. */
    static final int BLOCKS_PER_CORE = 4;

    Sharding {
        if (segments < 1 || segments > points) {
            throw new IllegalArgumentException("segments must be in 1.." + points + ", got " + segments);
        }
        if (blockRows < 1) {
            throw new IllegalArgumentException("blockRows must be >= 1, got " + blockRows);
        }
    }

    /**
     * Rows per block for {@code parallelism} worker cores when the job does not say: about
     * {@link #BLOCKS_PER_CORE} tasks per core over all segments, at most {@link #MAX_BLOCK_ROWS} and at most
     * {@link #MAX_BLOCK_BYTES} of lists of k entries.
     */
    static int blockRows(long queries, int segments, int parallelism, int k) {
        long blocks = Math.max(1, ((long) BLOCKS_PER_CORE * parallelism + segments - 1) / segments);
        long rows = (queries + blocks - 1) / blocks;
        long cap = Math.min(MAX_BLOCK_ROWS, Math.max(1, MAX_BLOCK_BYTES / (16L * k)));
        return (int) Math.max(1, Math.min(cap, rows));
    }

    /** The first id of segment {@code s} ({@code s == segments} gives N). */
    long start(int s) {
        // N < 2^31 and s <= segments <= N, so the product fits in a long
        return points * s / segments;
    }

    /** Number of blocks. */
    int blocks() {
        return (int) ((queries + blockRows - 1) / blockRows);
    }

    /** The first output row of block {@code b}. */
    long blockStart(int b) {
        return (long) b * blockRows;
    }

    /** Rows in block {@code b}. */
    int blockSize(int b) {
        return (int) (Math.min(queries, blockStart(b) + blockRows) - blockStart(b));
    }

    /** One task: search segment {@code segment}'s index for the queries of block {@code block}. */
    record Task(int segment, int block) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The tasks, segment by segment (so that an executor tends to reuse the index it built). In predecessor
     * mode {@code maxId[b]} is block b's largest query id and segments starting at or above it are left out;
     * without it every block visits every segment.
     */
    List<Task> tasks(long[] maxId) {
        List<Task> out = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            for (int b = 0; b < blocks(); b++) {
                if (maxId == null || start(s) < maxId[b]) {
                    out.add(new Task(s, b));
                }
            }
        }
        return out;
    }
}
