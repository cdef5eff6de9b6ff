package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cut of a job: segments tile the ids, blocks tile the rows, predecessor mode drops exactly the empty pairs. */
class ShardingTest {
    @Test
    void segmentsTileTheIdsWithSizesWithinOne() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            long n = 1 + rnd.nextInt(100_000);
            int s = 1 + rnd.nextInt((int) Math.min(n, 300));
            Sharding sh = new Sharding(n, n, s, 1 + rnd.nextInt(5000));
            assertEquals(0, sh.start(0));
            assertEquals(n, sh.start(s));
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < s; i++) {
                long size = sh.start(i + 1) - sh.start(i);
                min = Math.min(min, size);
                max = Math.max(max, size);
            }
            assertTrue(min >= 1 && max - min <= 1, "n " + n + ", " + s + " segments: sizes " + min + " to " + max);
        }
    }

    @Test
    void blocksTileTheRows() {
        Sharding sh = new Sharding(1000, 1001, 3, 100);
        assertEquals(11, sh.blocks());
        assertEquals(1000, sh.blockStart(10));
        assertEquals(1, sh.blockSize(10));
        assertEquals(100, sh.blockSize(0));
    }

    @Test
    void predecessorModeSendsABlockOnlyToSegmentsStartingBelowItsLargestId() {
        Sharding sh = new Sharding(1000, 1000, 4, 100);
        long[] max = new long[sh.blocks()];
        for (int b = 0; b < max.length; b++) {
            max[b] = sh.blockStart(b) + sh.blockSize(b) - 1;
        }
        List<Sharding.Task> tasks = sh.tasks(max);
        Set<Sharding.Task> set = new HashSet<>(tasks);
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < sh.blocks(); b++) {
                boolean canHold = sh.start(s) < max[b];
                assertEquals(canHold, set.contains(new Sharding.Task(s, b)), "segment " + s + ", block " + b);
            }
        }
        assertEquals(4 * 10, sh.tasks(null).size());
        assertEquals(tasks.get(0).segment(), 0, "segment by segment");
    }

    @Test
    void blockRowsGiveSomeTasksPerCoreAndStayWithinTheirBytes() {
        assertEquals(125, Sharding.blockRows(1000, 1, 2, 50));
        assertEquals(500, Sharding.blockRows(1000, 4, 2, 50));
        assertEquals(Sharding.MAX_BLOCK_ROWS, Sharding.blockRows(1L << 30, 1, 2, 50));
        assertEquals(1, Sharding.blockRows(1, 1, 64, 50));
        // a large k keeps one block's lists within MAX_BLOCK_BYTES
        assertEquals(4096, Sharding.blockRows(1L << 30, 1, 2, 1024));
    }
}
