package dev.covertree.engine.cover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.TestData;
import dev.covertree.engine.internal.search.NodeLayout;
import dev.covertree.engine.internal.search.Worker;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.ExactnessTest;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The memory layout the search relies on: children side by side ({@link dev.covertree.engine.internal.search.NodeOrder}), the traversal
 * stack's ordering of wide nodes, and the grouped search of neighbouring queries, which must answer
 * exactly as one query at a time.
 */
class TreeLayoutTest {

    @Test
    void childrenAreSideBySideAndTheValidatorRejectsAnyOtherOrder() {
        double[][] x = TestData.normal(700, 2, 3);
        x[5] = x[6].clone(); // a duplicate: a bottom-level child
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "coords", x, NpyDType.F8));
             CoverTree tree = CoverTree.build(data, 2)) {
            tree.validate();
            for (int v = 0; v < tree.size(); v++) {
                int first = NodeLayout.firstChild(tree.nodes, v);
                for (int c = first; c < first + NodeLayout.childCount(tree.nodes, v); c++) {
                    assertEquals(v, NodeLayout.parent(tree.nodes, c));
                }
            }
            // swap two leaves under different parents: links stay consistent but the order is broken
            int a = leafWithParentOtherThan(tree, -2);
            int b = leafWithParentOtherThan(tree, NodeLayout.parent(tree.nodes, a));
            MemorySegment spare = arena.allocate(NodeLayout.BYTES);
            MemorySegment.copy(tree.nodes, a * NodeLayout.BYTES, spare, 0, NodeLayout.BYTES);
            MemorySegment.copy(tree.nodes, b * NodeLayout.BYTES, tree.nodes, a * NodeLayout.BYTES, NodeLayout.BYTES);
            MemorySegment.copy(spare, 0, tree.nodes, b * NodeLayout.BYTES, NodeLayout.BYTES);
            assertThrows(IllegalStateException.class, tree::validate);
        }
    }

    private static int leafWithParentOtherThan(CoverTree tree, int parent) {
        for (int v = (int) tree.size() - 1; v > 0; v--) {
            if (NodeLayout.childCount(tree.nodes, v) == 0 && NodeLayout.parent(tree.nodes, v) != parent) {
                return v;
            }
        }
        throw new AssertionError("no such leaf");
    }

    @Test
    void wideNodesAreOrderedNearestOnTopWithEachEntryKeptWhole() {
        Worker w = new Worker(5, Worker.GROUP);
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 3000; // above the largest shell-sort gap, twice over
        w.ensureChildren(n);
        w.push(7, 1, -1, 0); // an entry below the sorted run stays put
        for (int i = 0; i < n; i++) {
            double key = rnd.nextInt(500) / 7.0;
            for (int b = 0; b < Worker.GROUP; b++) {
                w.childDist[Worker.GROUP * i + b] = key + b;
            }
            w.push(1000 + i, i & 15, key, i);
        }
        w.sortPushedFarthestFirst(1);
        assertEquals(7, w.stackNode[0]);
        for (int e = 1; e <= n; e++) {
            assertTrue(e == 1 || w.stackKey[e - 1] >= w.stackKey[e], "not in decreasing order at " + e);
            int i = w.stackNode[e] - 1000;
            assertEquals(i & 15, w.stackMask[e], "mask moved apart from its node");
            for (int b = 0; b < Worker.GROUP; b++) {
                assertEquals(w.stackKey[e] + b, w.stackDist[Worker.GROUP * e + b], "distances moved apart from their node");
            }
        }
    }

    @Test
    void groupedSearchAnswersAsOneQueryAtATime() {
        int n = 1003; // the last group of the job has three queries
        double[][] x = TestData.normal(n, 3, 17);
        Kernel kernel = Kernel.of(KernelType.MATERN52, 1.0, 0.7);
        try (Arena arena = Arena.ofShared();
             Dataset residual = TestData.residual(arena, x, kernel, 60, NpyDType.F4);
             Dataset euclidean = Dataset.euclidean(TestData.matrix(arena, "coords", x, NpyDType.F4))) {
            long[] all = new long[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            for (Dataset data : new Dataset[] {residual, euclidean}) {
                try (CoverTree tree = CoverTree.build(data, 2)) {
                    for (KnnOptions o : new KnnOptions[] {KnnOptions.of(12), KnnOptions.of(12).withPredecessor(true),
                        KnnOptions.of(12).withIncludeSelf(true)}) {
                        KnnOptions t = o.withEngine(Engine.TREE).withThreads(2);
                        try (KnnResult grouped = Knn.search(Metric.of(data), QuerySet.allPoints(n), t, EnginePlan.withTree(tree));
                             KnnResult single = Knn.search(Metric.of(data), QuerySet.ids(all, n, "ids"), t, EnginePlan.withTree(tree))) {
                            ExactnessTest.assertIdentical(single, grouped, data.metricType() + " " + o);
                        }
                    }
                }
            }
        }
    }
}
