package dev.covertree.engine.prepare;

import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Matrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How to choose the m inducing points among the dataset's points. The result is always a sorted list of
 * distinct dataset ids.
 *
 * <p>Samples use Java's {@link SplittableRandom} with the given seed, so a seed reproduces the same ids
 * in this library on every machine, but not NumPy's: NumPy's generator cannot be reproduced in Java. To
 * use ids chosen in NumPy, pass them with {@link #ids(long[])}.
 */
public abstract sealed class Inducing {
    private Inducing() {
    }

    /** m ids sampled uniformly without replacement (Floyd's algorithm), then sorted. */
    public static Inducing random(int m, long seed) {
        return new Random(m, seed);
    }

    /**
     * k-means++ seeding on the coordinates (the D² sampling of Arthur and Vassilvitskii, 2007; GPBoost's
     * default way to place VIF inducing points): each next point is drawn with probability proportional
     * to its squared distance to the nearest point already chosen. The chosen points, sorted.
     */
    public static Inducing kmeansPlusPlus(int m, long seed) {
        return new KMeansPP(m, seed);
    }

    /** Ids given by the caller; they must be distinct and in range. */
    public static Inducing ids(long[] ids) {
        return new Given(ids.clone());
    }

    /** Chooses the ids for these coordinates. */
    public abstract long[] choose(Matrix coords);

    static void checkCount(int m, long n, String how) {
        if (m < 1) {
            throw new InvalidInputException("the number of inducing points must be >= 1, got " + m);
        }
        if (m > n) {
            throw new InvalidInputException("cannot choose " + m + " inducing points (" + how + ") among " + n + " points");
        }
    }

    private static final class Random extends Inducing {
        private final int m;
        private final long seed;

        Random(int m, long seed) {
            this.m = m;
            this.seed = seed;
        }

        @Override
        public long[] choose(Matrix coords) {
            long n = coords.rows();
            checkCount(m, n, "random");
            SplittableRandom rnd = new SplittableRandom(seed);
            Set<Long> chosen = new HashSet<>();
            for (long j = n - m; j < n; j++) {
                long t = rnd.nextLong(j + 1);
                chosen.add(chosen.contains(t) ? j : t);
            }
            return chosen.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    private static final class KMeansPP extends Inducing {
        private final int m;
        private final long seed;

        KMeansPP(int m, long seed) {
            this.m = m;
            this.seed = seed;
        }

        @Override
        public long[] choose(Matrix coords) {
            long n = coords.rows();
            int d = (int) coords.cols();
            checkCount(m, n, "kmeans++");
            SplittableRandom rnd = new SplittableRandom(seed);
            long[] ids = new long[m];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment d2 = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
                d2.fill((byte) 0x7f); // ~1e308: larger than any squared distance
                ids[0] = rnd.nextLong(n);
                for (int c = 1; c < m; c++) {
                    double total = 0;
                    long last = ids[c - 1];
                    for (long i = 0; i < n; i++) {
                        double s = 0;
                        for (int k = 0; k < d; k++) {
                            double t = coords.get(i, k) - coords.get(last, k);
                            s += t * t;
                        }
                        double cur = Math.min(d2.getAtIndex(ValueLayout.JAVA_DOUBLE, i), s);
                        d2.setAtIndex(ValueLayout.JAVA_DOUBLE, i, cur);
                        total += cur;
                    }
                    if (!(total > 0)) {
                        throw new InvalidInputException("kmeans++ found only " + c + " distinct points, fewer than the "
                                + m + " inducing points asked for");
                    }
                    double target = rnd.nextDouble() * total;
                    long pick = -1;
                    for (long i = 0; i < n && pick < 0; i++) {
                        double w = d2.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                        target -= w;
                        if (target < 0 && w > 0) {
                            pick = i;
                        }
                    }
                    if (pick < 0) { // rounding left the target just above the sum: take the last candidate
                        for (long i = n - 1; pick < 0; i--) {
                            pick = d2.getAtIndex(ValueLayout.JAVA_DOUBLE, i) > 0 ? i : -1;
                        }
                    }
                    ids[c] = pick;
                }
            }
            Arrays.sort(ids);
            return ids;
        }
    }

    private static final class Given extends Inducing {
        private final long[] ids;

        Given(long[] ids) {
            this.ids = ids;
        }

        @Override
        public long[] choose(Matrix coords) {
            checkCount(ids.length, coords.rows(), "given ids");
            long[] sorted = ids.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] < 0 || sorted[i] >= coords.rows()) {
                    throw new InvalidInputException("inducing id " + sorted[i] + " is not a point id (0 to "
                            + (coords.rows() - 1) + ")");
                }
                if (i > 0 && sorted[i] == sorted[i - 1]) {
                    throw new InvalidInputException("inducing id " + sorted[i] + " is given twice (ids must be distinct)");
                }
            }
            return sorted;
        }
    }
}
