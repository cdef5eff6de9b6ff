package dev.covertree.engine.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorkHistogramTest {
    @Test
    void medianIsExactBelowOneThousandTwentyFourAndMaxAlwaysExact() {
        SplittableRandom rnd = new SplittableRandom(3);
        long[] values = new long[10_001];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextLong(0, 1000);
        }
        WorkHistogram a = recordedByTwoThenMerged(values);
        Arrays.sort(values);
        assertEquals(values.length, a.count());
        assertEquals(values[(values.length - 1) / 2], a.median());
        assertEquals(values[values.length - 1], a.max());
    }

    @Test
    void largeMediansAreWithinTwoTenthsOfAPercentBelow() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int trial = 0; trial < 200; trial++) {
            long v = rnd.nextLong(1024, 1L << 40);
            WorkHistogram h = new WorkHistogram();
            h.record(v);
            assertTrue(h.median() <= v && h.median() >= v * 0.998, v + " -> " + h.median());
            assertEquals(v, h.max());
        }
    }

    @Test
    void histogramsMergedOverDifferentDoublingsKeepTheMedianAndMax() {
        SplittableRandom rnd = new SplittableRandom(5);
        long[] values = new long[4001];
        for (int i = 0; i < values.length; i++) {
            // the even ones small and mid values, the odd ones mid and huge: each histogram has doublings the other lacks
            values[i] = i % 2 == 0 ? rnd.nextLong(0, 1L << 14) : rnd.nextLong(1L << 12, 1L << 30);
        }
        WorkHistogram a = recordedByTwoThenMerged(values);
        Arrays.sort(values);
        long median = values[(values.length - 1) / 2];
        assertEquals(values.length, a.count());
        assertTrue(a.median() <= median && a.median() >= median * 0.998, median + " -> " + a.median());
        assertEquals(values[values.length - 1], a.max());
    }

    /** The values recorded alternately by two histograms (as two search threads would), merged into the first. */
    private static WorkHistogram recordedByTwoThenMerged(long[] values) {
        WorkHistogram a = new WorkHistogram();
        WorkHistogram b = new WorkHistogram();
        for (int i = 0; i < values.length; i++) {
            (i % 2 == 0 ? a : b).record(values[i]);
        }
        a.merge(b);
        return a;
    }
}
