package dev.covertree.engine.bounds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.TestData;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.internal.search.WideNodeLayout;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.ExactnessTest;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds tree's own guarantees: every node bound is at most the smallest distance to the node's
 * points as {@link Metric#distance} computes it (the pruning is sound, float32 V and its rounding
 * included), the validator catches a broken summary, and on a saturating spatial field the bounds prune
 * where the triangle inequality cannot.
 */
class BoundsTreeTest {

    private static double[][] uniform(int n, int d, double side, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = side * rnd.nextDouble();
            }
        }
        return x;
    }

    /** For random queries and every node: the bound (full, and the cheap stage's) is <= each computed distance. */
    private static void assertBoundsSound(Dataset data, long seed) {
        Metric metric = Metric.of(data);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            tree.validate();
            BoundsNodeLayout layout = tree.layout();
            MemorySegment nodes = tree.nodes();
            Worker w = new Worker(1, 1);
            for (int t = 0; t < 12; t++) {
                long q = rnd.nextLong(data.size());
                metric.prepareBoundsQuery(q, w);
                double[] d = new double[(int) data.size()];
                for (long j = 0; j < data.size(); j++) {
                    d[(int) j] = metric.distance(q, j);
                }
                for (int node = 0; node < tree.nodeCount(); node++) {
                    double min = Double.POSITIVE_INFINITY;
                    for (int pos = layout.start(nodes, node); pos < layout.end(nodes, node); pos++) {
                        long j = tree.pointAt(pos);
                        if (j != q) { // d(q, q) = 0 by definition, never computed: the search offers it itself
                            min = Math.min(min, d[(int) j]);
                        }
                    }
                    for (double cutoff : new double[] {Double.POSITIVE_INFINITY, 0.0}) {
                        w.boundCutoff = cutoff;
                        double lb = metric.nodeLowerBound(nodes, layout, node, w);
                        if (!(lb <= min)) {
                            throw new AssertionError("query " + q + ", node " + node + " (cutoff " + cutoff + "): bound " + lb
                                    + " above the nearest computed distance " + min);
                        }
                    }
                }
            }
        }
    }

    @Test
    void residualBoundsNeverExceedAComputedDistance() {
        int n = 1500;
        try (Arena arena = Arena.ofShared()) {
            Object[][] cases = {
                // points, kernel, m, V dtype
                {uniform(n, 2, 15, 1), Kernel.of(KernelType.MATERN32, 1.0, 0.5), 30, NpyDType.F4},
                {uniform(n, 2, 15, 2), new Kernel(KernelType.RBF, 2.0, new double[] {0.4, 1.1}), 25, NpyDType.F8},
                {uniform(n, 1, 30, 3), Kernel.of(KernelType.MATERN12, 0.7, 0.3), 12, NpyDType.F4},
                {uniform(n, 3, 6, 4), new Kernel(KernelType.MATERN52, 1.3, new double[] {0.5, 0.8, 0.3}), 40, NpyDType.F4},
                // ill-conditioned: many inducing points, p near the jitter, f4 V bends the exact correlation
                {TestData.normal(n, 3, 5), Kernel.of(KernelType.RBF, 1.0, 1.0), 200, NpyDType.F4},
            };
            long seed = 10;
            for (Object[] c : cases) {
                try (Dataset data = TestData.residual(arena, (double[][]) c[0], (Kernel) c[1], (int) c[2], (NpyDType) c[3])) {
                    assertBoundsSound(data, seed++);
                }
            }
        }
    }

    /**
     * The wide view of a residual tree: every leaf is a lane exactly once and every other wide node is one lane's
     * child, a lane holds its binary node's summaries, and each lane's bound is its binary node's bound bit for
     * bit, whatever the cutoff the cheap stage compares with (so the argument for the binary bound is the
     * wide one's, and the search opens the same leaves).
     */
    @Test
    void wideLanesBoundExactlyAsTheirBinaryNodes() {
        try (Arena arena = Arena.ofShared()) {
            Object[][] cases = {
                {uniform(2000, 2, 15, 21), Kernel.of(KernelType.MATERN32, 1.0, 0.5), 30, NpyDType.F4},
                {uniform(777, 3, 6, 22), new Kernel(KernelType.MATERN52, 1.3, new double[] {0.5, 0.8, 0.3}), 40, NpyDType.F8},
                {uniform(20, 2, 5, 23), Kernel.of(KernelType.RBF, 1.0, 1.0), 5, NpyDType.F4},
            };
            long seed = 30;
            for (Object[] c : cases) {
                try (Dataset data = TestData.residual(arena, (double[][]) c[0], (Kernel) c[1], (int) c[2], (NpyDType) c[3]);
                     BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
                    Metric metric = Metric.of(data);
                    BoundsNodeLayout layout = tree.layout();
                    MemorySegment nodes = tree.nodes();
                    WideNodeLayout wl = tree.wide().layout();
                    MemorySegment wn = tree.wide().nodes();
                    int[] leafSeen = new int[tree.nodeCount()];
                    int[] wideSeen = new int[wl.count()];
                    for (int w = 0; w < wl.count(); w++) {
                        int lanes = wl.lanes(wn, w);
                        assertTrue(lanes >= 1 && lanes <= WideNodeLayout.FAN, "lanes " + lanes);
                        for (int l = 0; l < lanes; l++) {
                            int b = wl.binaryNode(wn, w, l);
                            int child = wl.child(wn, w, l);
                            if (layout.right(nodes, b) == BoundsNodeLayout.LEAF) {
                                assertEquals(~b, child);
                                leafSeen[b]++;
                            } else {
                                assertTrue(child > w, "a wide node's children follow it in preorder");
                                wideSeen[child]++;
                            }
                            assertEquals(layout.minId(nodes, b), wl.minId(wn, w, l));
                            assertEquals(layout.maxIsp(nodes, b), wl.maxIsp(wn, w, l));
                            assertEquals(layout.maxNorm(nodes, b), wl.maxNorm(wn, w, l));
                        }
                    }
                    for (int b = 0; b < tree.nodeCount(); b++) {
                        assertEquals(layout.right(nodes, b) == BoundsNodeLayout.LEAF ? 1 : 0, leafSeen[b], "leaf " + b);
                    }
                    for (int w = 1; w < wl.count(); w++) {
                        assertEquals(1, wideSeen[w], "wide node " + w);
                    }
                    SplittableRandom rnd = new SplittableRandom(seed++);
                    Worker w = new Worker(1, 1);
                    for (int t = 0; t < 20; t++) {
                        long q = rnd.nextLong(data.size());
                        metric.prepareBoundsQuery(q, w);
                        for (double cutoff : new double[] {Double.POSITIVE_INFINITY, 0.0, 0.9, 0.99}) {
                            for (int v = 0; v < wl.count(); v++) {
                                w.boundCutoff = cutoff;
                                metric.wideLowerBounds(wn, wl, v, w);
                                double[] keys = w.wideKey.clone();
                                for (int l = 0; l < wl.lanes(wn, v); l++) {
                                    double binary = metric.nodeLowerBound(nodes, layout, wl.binaryNode(wn, v, l), w);
                                    assertEquals(Double.doubleToRawLongBits(binary), Double.doubleToRawLongBits(keys[l]),
                                            "query " + q + ", wide node " + v + ", lane " + l + ", cutoff " + cutoff);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * In predecessor mode a query that may only see ids below L searches the smallest prefix tree holding them:
     * the answers stay the scan's, bit for bit, on every path (one query at a time, the all-points batch in
     * node order, declared neighbours) and for both metrics; the tree's bytes count theirs.
     */
    @Test
    void prefixTreesGiveTheScansPredecessorAnswer() {
        int n = 3000;
        try (Arena arena = Arena.ofShared();
             Dataset euclid = Dataset.euclidean(TestData.matrix(arena, "x", uniform(n, 2, 40, 11), NpyDType.F8));
             Dataset residual = TestData.residual(arena, uniform(n, 2, 15, 12), Kernel.of(KernelType.MATERN32, 1.0, 0.5),
                     30, NpyDType.F4)) {
            long[] ids = new SplittableRandom(13).longs(200, 0, n).toArray();
            for (Dataset data : new Dataset[] {euclid, residual}) {
                try (BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
                    long alone = tree.byteSize();
                    tree.buildPrefixes(2, ScratchSpace.auto(), 16);
                    assertTrue(tree.levels() == 4, "prefixes of 750, 188 and 47 points");
                    assertTrue(tree.byteSize() > alone * 5 / 4, "the tree's bytes count its prefix trees'");
                    Metric metric = Metric.of(data);
                    KnnOptions o = KnnOptions.of(7).withPredecessor(true);
                    for (QuerySet qs : new QuerySet[] {QuerySet.allPoints(n), QuerySet.ids(ids, n, "ids"),
                            QuerySet.ids(ids, n, "ids").withNeighbours()}) {
                        try (KnnResult oracle = Knn.search(metric, qs, o.withEngine(Engine.SCAN));
                             KnnResult r = Knn.search(metric, qs, o.withEngine(Engine.BOUNDS).withThreads(2),
                                     EnginePlan.withTree(tree))) {
                            ExactnessTest.assertIdentical(oracle, r, data.metricType() + " " + qs);
                        }
                    }
                }
            }
        }
    }

    /**
     * A run's heaps start capped at the previous run's k-th distances (BoundsTreeSearch): where the density
     * jumps in node order, from a dense cluster to a sparse cloud, the caps are far below the sparse queries'
     * k-th distances, those queries are searched again, and every answer is still the scan's, bit for bit,
     * all points and predecessor; the result counts the queries searched again.
     */
    @Test
    void queriesWhoseGuessedCapIsTooSmallAreSearchedAgainExactly() {
        int n = 4000;
        double[][] x = uniform(n, 2, 100, 31);
        for (int i = 0; i < n; i += 2) {
            x[i][0] /= 1000;
            x[i][1] /= 1000;
        }
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", x, NpyDType.F8));
             BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            Metric metric = Metric.of(data);
            QuerySet qs = QuerySet.allPoints(n);
            for (boolean predecessor : new boolean[] {false, true}) {
                KnnOptions o = KnnOptions.of(12).withPredecessor(predecessor);
                try (KnnResult oracle = Knn.search(metric, qs, o.withEngine(Engine.SCAN));
                     KnnResult one = new KnnResult(n, o.k());
                     KnnResult two = Knn.search(metric, qs, o.withEngine(Engine.BOUNDS).withThreads(2),
                             EnginePlan.withTree(tree))) {
                    Worker w = searchWithOneWorker(tree, metric, qs, o, one);
                    assertTrue(w.searchedAgain > 0, "the jump from the cluster to the cloud defeats a cap");
                    assertTrue(two.queriesSearchedAgain() > 0, "the result reports the queries searched again");
                    assertEquals(0, oracle.queriesSearchedAgain(), "the scan guesses nothing");
                    ExactnessTest.assertIdentical(oracle, one, "one worker, predecessor " + predecessor);
                    ExactnessTest.assertIdentical(oracle, two, "two threads, predecessor " + predecessor);
                }
            }
        }
    }

    /**
     * A residual all-points search takes its queries one at a time in node order, each capped at the k-th distance
     * of the query before it in the same leaf (BoundsTreeSearch). Where a leaf mixes a dense cluster's points with a
     * sparse cloud's, a cap from a cluster point is far below the next cloud point's k-th distance: such queries are
     * searched again, and every answer is still the scan's, bit for bit, plain and predecessor.
     */
    @Test
    void aResidualQueryWhoseCapFromItsNeighbourIsTooSmallIsSearchedAgainExactly() {
        int n = 3000;
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, clusterAndCloud(n, 2, 7), Kernel.of(KernelType.MATERN32, 1.0, 0.5), 30,
                     NpyDType.F4);
             BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            Metric metric = Metric.of(data);
            QuerySet qs = QuerySet.allPoints(n);
            for (boolean predecessor : new boolean[] {false, true}) {
                KnnOptions o = KnnOptions.of(9).withPredecessor(predecessor);
                try (KnnResult oracle = Knn.search(metric, qs, o.withEngine(Engine.SCAN));
                     KnnResult one = new KnnResult(n, o.k())) {
                    Worker w = searchWithOneWorker(tree, metric, qs, o, one);
                    assertTrue(w.searchedAgain > 0, "a cap from a cluster point is too small for the cloud point after it");
                    ExactnessTest.assertIdentical(oracle, one, "predecessor " + predecessor);
                }
            }
        }
    }

    /**
     * Euclidean points in ten dimensions are searched one query at a time (no leaf columns), and neighbouring
     * points' k-th distances differ too much there for a neighbour's to cap the next query
     * (Metric#capsFromNeighbour): on the same cluster-and-cloud mix nothing is searched again, and the answers are
     * the scan's.
     */
    @Test
    void aEuclideanQuerySearchedAloneStartsUncapped() {
        int n = 2000;
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", clusterAndCloud(n, 10, 11), NpyDType.F8));
             BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            Metric metric = Metric.of(data);
            assumeFalse(metric.leafColumns(), "the scalar kernels keep every Euclidean leaf column by column, so no query "
                    + "is searched alone");
            QuerySet qs = QuerySet.allPoints(n);
            KnnOptions o = KnnOptions.of(9).withPredecessor(true);
            try (KnnResult oracle = Knn.search(metric, qs, o.withEngine(Engine.SCAN));
                 KnnResult one = new KnnResult(n, o.k())) {
                Worker w = searchWithOneWorker(tree, metric, qs, o, one);
                assertEquals(0, w.searchedAgain, "no query was capped");
                ExactnessTest.assertIdentical(oracle, one, "ten dimensions");
            }
        }
    }

    /** {@code n} points uniform on [0, 30]^d, every third pulled into a cluster 200 times smaller around the centre. */
    private static double[][] clusterAndCloud(int n, int d, long seed) {
        double[][] x = uniform(n, d, 30, seed);
        for (int i = 0; i < n; i += 3) {
            for (int k = 0; k < d; k++) {
                x[i][k] = 15 + (x[i][k] - 15) / 200;
            }
        }
        return x;
    }

    /** {@code qs} searched chunk after chunk by one worker of the tree's engine, into {@code out}; the worker, for its counts. */
    private static Worker searchWithOneWorker(BoundsTree tree, Metric metric, QuerySet qs, KnnOptions o, KnnResult out) {
        BoundsTreeSearch engine = new BoundsTreeSearch(tree);
        Worker w = engine.newWorker(o.k());
        long n = qs.size();
        for (long from = 0; from < n; from += engine.chunk()) {
            engine.search(metric, qs, o, from, Math.min(n, from + engine.chunk()), w, out);
        }
        metric.finishAnswer(qs, out);
        return w;
    }

    /**
     * An all-points search reads each query from its own record in the tree (node order), where a search of
     * the same points by id reads the dataset's rows: the prepared query is the same, field for field, and
     * the answers are the same, bit for bit, for float32 and float64 V, plain and predecessor. The query's norm
     * and the nodes' largest norms, computed from the rows the search and the build read, are the dataset's row
     * norms ({@link Dataset#vNorms}) to the bit.
     */
    @Test
    void aQueryReadFromItsRecordMatchesTheDatasetRow() {
        int n = 2500;
        try (Arena arena = Arena.ofShared()) {
            for (NpyDType t : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                try (Dataset data = TestData.residual(arena, uniform(n, 2, 15, 31), Kernel.of(KernelType.MATERN32, 1.0, 0.5),
                        30, t);
                     BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
                    Metric metric = Metric.of(data);
                    Worker fromRow = new Worker(1, 1);
                    Worker fromRecord = new Worker(1, 1);
                    for (int pos = 0; pos < n; pos += 7) {
                        long q = tree.pointAt(pos);
                        metric.prepareBoundsQuery(q, fromRow);
                        metric.prepareBoundsQuery(q, tree.records(), pos * metric.recordBytes(), fromRecord);
                        String where = t + " query " + q;
                        assertEquals(data.vNorms().getAtIndex(ValueLayout.JAVA_DOUBLE, q), fromRecord.boundNorm, where);
                        assertEquals(fromRow.boundNorm, fromRecord.boundNorm, where);
                        assertEquals(fromRow.boundIsp, fromRecord.boundIsp, where);
                        assertEquals(fromRow.boundSmallL1, fromRecord.boundSmallL1, where);
                        assertArrayEquals(Arrays.copyOf(fromRow.boxQuery, 2), Arrays.copyOf(fromRecord.boxQuery, 2), where);
                        assertArrayEquals(Arrays.copyOf(fromRow.scratch(Worker.Q_PACK, 30), 30),
                                Arrays.copyOf(fromRecord.scratch(Worker.Q_PACK, 30), 30), where);
                    }
                    // the nodes' largest norms, made from the rows each leaf reads, are the dataset's row norms
                    BoundsNodeLayout layout = tree.layout();
                    for (int node = 0; node < tree.nodeCount(); node++) {
                        double largest = 0;
                        for (long pos = layout.start(tree.nodes(), node); pos < layout.end(tree.nodes(), node); pos++) {
                            largest = Math.max(largest, data.vNorms().getAtIndex(ValueLayout.JAVA_DOUBLE, tree.pointAt(pos)));
                        }
                        assertEquals(largest, layout.maxNorm(tree.nodes(), node), t + " node " + node);
                    }
                    long[] all = LongStream.range(0, n).toArray();
                    for (KnnOptions o : new KnnOptions[] {KnnOptions.of(9), KnnOptions.of(9).withPredecessor(true)}) {
                        KnnOptions b = o.withEngine(Engine.BOUNDS).withThreads(2);
                        try (KnnResult byRecord = Knn.search(metric, QuerySet.allPoints(n), b, EnginePlan.withTree(tree));
                             KnnResult byRow = Knn.search(metric, QuerySet.ids(all, n, "ids"), b, EnginePlan.withTree(tree))) {
                            ExactnessTest.assertIdentical(byRow, byRecord, t + " predecessor " + o.predecessor());
                        }
                    }
                }
            }
        }
    }

    @Test
    void euclideanBoundsNeverExceedAComputedDistance() {
        try (Arena arena = Arena.ofShared()) {
            for (NpyDType t : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                try (Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", TestData.normal(1200, 4, 7), t))) {
                    assertBoundsSound(data, 8);
                }
            }
        }
    }

    @Test
    void aSavedTreeMapsBackAndAnswersBitForBitAndRefusesOtherData(@TempDir Path dir) throws Exception {
        Kernel kernel = Kernel.of(KernelType.MATERN32, 1.0, 0.5);
        try (Arena arena = Arena.ofShared();
             Dataset res = TestData.residual(arena, uniform(2000, 2, 20, 21), kernel, 30, NpyDType.F4);
             Dataset euc = Dataset.euclidean(TestData.matrix(arena, "x", TestData.normal(2000, 3, 22), NpyDType.F4));
             Dataset other = Dataset.euclidean(TestData.matrix(arena, "y", TestData.normal(2000, 3, 23), NpyDType.F4))) {
            for (Dataset data : new Dataset[] {res, euc}) {
                Path file = dir.resolve(data.metricType() + ".btree");
                KnnOptions o = KnnOptions.of(12).withPredecessor(true).withEngine(Engine.BOUNDS);
                try (BoundsTree built = BoundsTree.build(data, 2, ScratchSpace.auto())) {
                    built.save(file, false);
                    try (BoundsTree loaded = BoundsTree.load(file, data);
                         KnnResult want = Knn.search(Metric.of(data), QuerySet.allPoints(2000), o, EnginePlan.withTree(built));
                         KnnResult got = Knn.search(Metric.of(data), QuerySet.allPoints(2000), o, EnginePlan.withTree(loaded))) {
                        loaded.validate();
                        ExactnessTest.assertIdentical(want, got, "saved " + data.metricType());
                    }
                }
            }
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> BoundsTree.load(dir.resolve("euclidean.btree"), other));
            assertTrue(e.getMessage().contains("was built from another dataset"), e.getMessage());
        }
    }

    @Test
    void validatorRejectsABoxThatMissesAPoint() {
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", TestData.normal(500, 2, 9), NpyDType.F8));
             BoundsTree tree = BoundsTree.build(data, 1, ScratchSpace.auto())) {
            tree.validate();
            BoundsNodeLayout layout = tree.layout();
            int leaf = tree.nodeCount() - 1;
            layout.setBox(tree.nodes(), leaf, 0, layout.boxLo(tree.nodes(), leaf, 0) + 1e-9,
                    layout.boxHi(tree.nodes(), leaf, 0));
            IllegalStateException e = assertThrows(IllegalStateException.class, tree::validate);
            assertTrue(e.getMessage().contains("outside the box of node " + leaf), e.getMessage());
        }
    }

    @Test
    void boundsPruneASaturatingSpatialFieldWithArdLengthscales() {
        int n = 6000;
        Kernel kernel = new Kernel(KernelType.MATERN32, 1.0, new double[] {0.5, 0.35});
        try (Arena arena = Arena.ofShared();
             Dataset data = TestData.residual(arena, uniform(n, 2, 30, 11), kernel, 40, NpyDType.F4)) {
            KnnOptions o = KnnOptions.of(20).withPredecessor(true);
            try (KnnResult want = Knn.search(Metric.of(data), QuerySet.allPoints(n), o.withEngine(Engine.SCAN));
                 KnnResult got = Knn.search(Metric.of(data), QuerySet.allPoints(n), o.withEngine(Engine.BOUNDS))) {
                ExactnessTest.assertIdentical(want, got, "bounds, ARD spatial");
                double perQuery = (double) got.distanceEvaluations() / n;
                assertTrue(perQuery < n / 20.0, perQuery + " distances per query: the bounds should prune most of the "
                        + n + " points");
            }
        }
    }

    @Test
    void float32ColumnRangesEncloseFloat64Values() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int i = 0; i < 100_000; i++) {
            double x = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-30, 30));
            assertTrue(BoundsTreeBuilder.down(x) <= x && x <= BoundsTreeBuilder.up(x), "float bounds of " + x);
        }
        assertTrue(BoundsTreeBuilder.up(1e300) == Float.POSITIVE_INFINITY);
        assertTrue(BoundsTreeBuilder.down(-1e300) == Float.NEGATIVE_INFINITY);
    }
}
