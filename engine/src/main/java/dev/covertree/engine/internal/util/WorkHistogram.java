package dev.covertree.engine.internal.util;

/**
 * How many distances each query evaluated, as a histogram that one search thread fills without
 * allocating: exact below {@value #EXACT}, then {@value #SUB} buckets per doubling (a relative error
 * under 0.2 %), and the largest value exactly. Threads' histograms are merged after the search, so the
 * median and maximum per query are reported without keeping a count per query.
 */
public final class WorkHistogram {
    private static final int EXACT = 1024;
    private static final int SUB = 512;
    /** Octaves above {@link #EXACT}: up to 2^63. */
    private static final int OCTAVES = 63 - 10;

    private final long[] buckets = new long[EXACT + OCTAVES * SUB];
    private long count;
    private long max;

    /** Records one query's count. */
    public void record(long value) {
        buckets[bucket(value)]++;
        count++;
        max = Math.max(max, value);
    }

    /** Adds {@code other}'s records to this one's. */
    public void merge(WorkHistogram other) {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.buckets[i];
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
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen > rank) {
                return lowest(i);
            }
        }
        return 0;
    }

    private static int bucket(long v) {
        if (v < EXACT) {
            return (int) Math.max(v, 0);
        }
        int octave = 63 - Long.numberOfLeadingZeros(v);
        return EXACT + (octave - 10) * SUB + (int) ((v >>> (octave - 9)) - SUB);
    }

    private static long lowest(int bucket) {
        if (bucket < EXACT) {
            return bucket;
        }
        int octave = (bucket - EXACT) / SUB + 10;
        long sub = (bucket - EXACT) % SUB + SUB;
        return sub << (octave - 9);
    }
}
