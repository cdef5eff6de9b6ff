package dev.covertree.engine.internal.util;

/**
 * How many distances each query evaluated, as a histogram that one search thread fills: exact below
 * {@value #EXACT}, then {@value #SUB} buckets per doubling (a relative error under 0.2 %), and the largest
 * value exactly. Threads' histograms are merged after the search, so the median and maximum per query are
 * reported without keeping a count per query.
 *
 * <p>A doubling's buckets are allocated the first time a value falls in it: a search touches a few of the
 * {@value #OCTAVES}, and all of them at once were a quarter of a megabyte to allocate and merge for every
 * thread of every search, more than a short search's own work.
 */
public final class WorkHistogram {
    private static final int EXACT = 1024;
    private static final int SUB = 512;
    /** Octaves above {@link #EXACT}: up to 2^63. */
    private static final int OCTAVES = 63 - 10;

    private final long[] exact = new long[EXACT];
    /** Octave o's buckets (values in [2^(o+10), 2^(o+11))), or null while none fell there. */
    private final long[][] octaves = new long[OCTAVES][];
    private long count;
    private long max;

    /** Records one query's count. */
    public void record(long value) {
        if (value < EXACT) {
            exact[(int) Math.max(value, 0)]++;
        } else {
            int octave = 63 - Long.numberOfLeadingZeros(value);
            octave(octave - 10)[(int) ((value >>> (octave - 9)) - SUB)]++;
        }
        count++;
        max = Math.max(max, value);
    }

    private long[] octave(int o) {
        long[] b = octaves[o];
        if (b == null) {
            b = new long[SUB];
            octaves[o] = b;
        }
        return b;
    }

    /** Adds {@code other}'s records to this one's. */
    public void merge(WorkHistogram other) {
        for (int i = 0; i < EXACT; i++) {
            exact[i] += other.exact[i];
        }
        for (int o = 0; o < OCTAVES; o++) {
            long[] theirs = other.octaves[o];
            if (theirs != null) {
                long[] mine = octave(o);
                for (int i = 0; i < SUB; i++) {
                    mine[i] += theirs[i];
                }
            }
        }
        count += other.count;
        max = Math.max(max, other.max);
    }

    /** Queries recorded. */
    public long count() {
        return count;
    }

    /** The largest value recorded (0 when none). */
    public long max() {
        return max;
    }

    /**
     * The median (the lower one for an even count): exact below {@value #EXACT}, otherwise the lowest value of
     * its bucket; 0 when nothing was recorded.
     */
    public long median() {
        long rank = (count - 1) / 2;
        long seen = 0;
        for (int i = 0; i < EXACT; i++) {
            seen += exact[i];
            if (seen > rank) {
                return i;
            }
        }
        for (int o = 0; o < OCTAVES; o++) {
            long[] b = octaves[o];
            for (int i = 0; b != null && i < SUB; i++) {
                seen += b[i];
                if (seen > rank) {
                    // bucket i of octave o holds values from (SUB + i) 2^(o + 1)
                    return (long) (SUB + i) << (o + 1);
                }
            }
        }
        return 0;
    }
}
