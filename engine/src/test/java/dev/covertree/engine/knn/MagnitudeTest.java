package dev.covertree.engine.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.TestData;
import dev.covertree.engine.internal.vector.ResidualFormula;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.order.Ordering;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact answers at any magnitude: squared differences of coordinates near 1e±160 or 1e300 overflow or
 * underflow float64, and a 1e10 offset leaves 1e-6 spreads to a few bits of each coordinate.
 */
class MagnitudeTest {
    private static final int N = 1000;
    private static final int K = 10;

    /**
     * Scaling the points by an exact power of two scales every distance by it and changes no comparison, so
     * every engine must give the unscaled answer's ids and its distances times the power, bit for bit: for
     * all points, for query ids, and for outside query coordinates. 2^±531 is about 1e±160, 2^997 about 1e300.
     */
    @ParameterizedTest(name = "2^{0}")
    @ValueSource(ints = {531, -531, 997, -1000, 450})
    void scaledPointsGetTheUnscaledAnswerTimesTheScale(int exponent) {
        for (int d : new int[] {2, 3}) {
            double[][] x = TestData.normal(N, d, 17 + d);
            double[][] scaled = scale(x, exponent);
            double[][] q = scale(TestData.normal(40, d, 99), 0);
            try (Arena arena = Arena.ofShared();
                 Dataset plain = Dataset.euclidean(TestData.matrix(arena, "x.npy", x, NpyDType.F8));
                 Dataset big = Dataset.euclidean(TestData.matrix(arena, "big.npy", scaled, NpyDType.F8));
                 Dataset plainQ = Dataset.euclidean(TestData.matrix(arena, "q.npy", q, NpyDType.F8));
                 Dataset bigQ = Dataset.euclidean(TestData.matrix(arena, "bigq.npy", scale(q, exponent), NpyDType.F8))) {
                long[] ids = {0, 5, 17, 400, 999};
                for (KnnOptions o : List.of(KnnOptions.of(K), KnnOptions.of(K).withPredecessor(true))) {
                    for (QuerySet qs : List.of(QuerySet.allPoints(N), QuerySet.ids(ids, N, "ids"))) {
                        try (KnnResult expected = Knn.search(Metric.of(plain), qs, o.withEngine(Engine.SCAN))) {
                            for (Engine e : Engine.values()) {
                                try (KnnResult r = Knn.search(Metric.of(big), qs, o.withEngine(e).withThreads(2))) {
                                    assertScaled(expected, r, exponent, e + " d=" + d + " " + o);
                                }
                            }
                        }
                    }
                }
                QuerySet outside = QuerySet.external(q.length);
                try (KnnResult expected = Knn.search(Metric.of(plain, plainQ), outside, KnnOptions.of(K).withEngine(Engine.SCAN))) {
                    for (Engine e : Engine.values()) {
                        try (KnnResult r = Knn.search(Metric.of(big, bigQ), outside, KnnOptions.of(K).withEngine(e))) {
                            assertScaled(expected, r, exponent, e + " query coordinates d=" + d);
                        }
                    }
                }
            }
        }
    }

    /** The exact max-min ordering of points near 1e300 or 1e-160 is the ordering of the unscaled points. */
    @ParameterizedTest(name = "2^{0}")
    @ValueSource(ints = {997, -531})
    void maxMinOrderingIsUnchangedByAPowerOfTwo(int exponent) {
        double[][] x = TestData.normal(500, 2, 21);
        try (Arena arena = Arena.ofShared()) {
            long[] plain = Ordering.maxMin(TestData.matrix(arena, "x.npy", x, NpyDType.F8), new double[] {1});
            long[] big = Ordering.maxMin(TestData.matrix(arena, "big.npy", scale(x, exponent), NpyDType.F8), new double[] {1});
            assertArrayEquals(plain, big);
        }
    }

    /** 1e-6 spreads on a 1e10 offset: every engine returns the straightforward brute force's neighbours. */
    @Test
    void tinySpreadsOnALargeOffsetGetTheDirectAnswer() {
        double[][] x = TestData.normal(N, 3, 5);
        for (double[] row : x) {
            for (int k = 0; k < row.length; k++) {
                row[k] = 1e10 + 1e-6 * row[k];
            }
        }
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "offset.npy", x, NpyDType.F8))) {
            for (Engine e : Engine.values()) {
                try (KnnResult r = Knn.search(Metric.of(data), QuerySet.allPoints(N), KnnOptions.of(K).withEngine(e))) {
                    for (int i = 0; i < N; i += 37) {
                        long[] direct = directNeighbours(x, i);
                        for (int j = 0; j < K; j++) {
                            assertEquals(direct[j], r.index(i, j), e + ": point " + i + " neighbour " + j);
                        }
                    }
                }
            }
        }
    }

    /** Points ±1e308 apart: their distance is beyond float64, which is an error naming the file, not an infinity. */
    @Test
    void aDistanceBeyondFloat64IsAnErrorNamingTheFile() {
        double[][] x = TestData.normal(50, 2, 3);
        x[0][0] = -1.5e308;
        x[1][0] = 1.5e308;
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "far.npy", x, NpyDType.F8))) {
            for (Engine e : Engine.values()) {
                InvalidInputException err = assertThrows(InvalidInputException.class,
                        () -> Knn.search(Metric.of(data), QuerySet.allPoints(50), KnnOptions.of(49).withEngine(e)).close());
                assertTrue(err.getMessage().startsWith("far.npy: ") && err.getMessage().contains("beyond float64's range"),
                        err.getMessage());
            }
        }
    }

    /** Two points 1e-170 apart among points a unit apart: their squares underflow, which is an error, not a tie. */
    @Test
    void aPairTooCloseToResolveIsAnErrorNamingTheFile() {
        double[][] x = TestData.normal(50, 2, 4);
        x[7] = new double[] {0, 0};
        x[8] = new double[] {1e-170, 0};
        x[9] = new double[] {0, 0};
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "close.npy", x, NpyDType.F8))) {
            for (Engine e : Engine.values()) {
                InvalidInputException err = assertThrows(InvalidInputException.class,
                        () -> Knn.search(Metric.of(data), QuerySet.allPoints(50), KnnOptions.of(3).withEngine(e)).close());
                assertTrue(err.getMessage().startsWith("close.npy: ") && err.getMessage().contains("too close"),
                        err.getMessage());
            }
            // equal rows are an exact 0, which float64 holds
            try (KnnResult r = Knn.search(Metric.of(data), QuerySet.ids(new long[] {9}, 50, "ids"),
                    KnnOptions.of(1).withPredecessor(true))) {
                assertEquals(7, r.index(0, 0));
                assertEquals(0.0, r.distance(0, 0));
            }
        }
    }

    /** Query coordinates so far out that their squared distances to the data overflow are refused, naming them. */
    @Test
    void queriesBeyondTheDatasRangeAreAnErrorNamingTheQueryFile() {
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x.npy", TestData.normal(20, 2, 1), NpyDType.F8));
             Dataset q = Dataset.euclidean(TestData.matrix(arena, "q.npy", new double[][] {{1e200, 0}}, NpyDType.F8))) {
            InvalidInputException err = assertThrows(InvalidInputException.class, () -> Metric.of(data, q));
            assertTrue(err.getMessage().startsWith("q.npy: "), err.getMessage());
        }
    }

    /** A Matérn kernel at an overflowed squared distance is 0, lane by lane as alone, never NaN. */
    @Test
    void kernelsAtAnOverflowedDistanceAreZero() {
        for (KernelType t : KernelType.values()) {
            assertEquals(0.0, ResidualFormula.correlation(t.shape(), Double.POSITIVE_INFINITY), t.toString());
            assertEquals(0.0, ResidualFormula.correlation(t.shape(), 1e300), t.toString());
        }
    }

    /** The residual metric on coordinates near 1e300 with a unit lengthscale: kernels vanish, distances are finite. */
    @Test
    void residualDistancesAtHugeCoordinatesAreFinite() {
        double[][] x = scale(TestData.normal(200, 2, 8), 997);
        Kernel kernel = new Kernel(KernelType.MATERN32, 1.0, new double[] {1.0});
        double[] p = new double[x.length];
        double[][] v = TestData.residualInputs(x, kernel, 8, p);
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.residual(TestData.matrix(arena, "x.npy", x, NpyDType.F8),
                     TestData.matrix(arena, "v.npy", v, NpyDType.F8), TestData.vector(arena, "p.npy", p), kernel)) {
            for (Engine e : Engine.values()) {
                try (KnnResult r = Knn.search(Metric.of(data), QuerySet.allPoints(x.length), KnnOptions.of(5).withEngine(e))) {
                    for (long i = 0; i < x.length; i++) {
                        for (int j = 0; j < 5; j++) {
                            assertFalse(Double.isNaN(r.distance(i, j)), e + ": row " + i);
                        }
                    }
                }
            }
        }
    }

    private static double[][] scale(double[][] x, int exponent) {
        double[][] s = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            s[i] = Arrays.stream(x[i]).map(v -> Math.scalb(v, exponent)).toArray();
        }
        return s;
    }

    private static void assertScaled(KnnResult expected, KnnResult actual, int exponent, String what) {
        for (long q = 0; q < expected.queries(); q++) {
            for (int j = 0; j < expected.k(); j++) {
                assertEquals(expected.index(q, j), actual.index(q, j), what + ": row " + q + " neighbour " + j);
                assertEquals(Math.scalb(expected.distance(q, j), exponent), actual.distance(q, j),
                        what + ": row " + q + " distance " + j);
            }
        }
    }

    /** The K nearest of point i by the textbook formula, self excluded, ties to the smaller id. */
    private static long[] directNeighbours(double[][] x, int i) {
        Long[] ids = new Long[x.length];
        double[] dist = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            ids[j] = (long) j;
            double s = 0;
            for (int k = 0; k < x[i].length; k++) {
                double t = x[i][k] - x[j][k];
                s += t * t;
            }
            dist[j] = j == i ? Double.POSITIVE_INFINITY : Math.sqrt(s);
        }
        Arrays.sort(ids, (a, b) -> dist[a.intValue()] != dist[b.intValue()] ? Double.compare(dist[a.intValue()], dist[b.intValue()])
                : Long.compare(a, b));
        return Arrays.stream(ids).limit(K).mapToLong(Long::longValue).toArray();
    }
}
