package dev.covertree.engine.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.TestData;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The build's median splits on coordinates that make a partition work hard: sorted and reversed runs, organ
 * pipes, a few distinct values, one constant dimension, at sizes on both sides of the block partition's
 * blocks. A wrong split would leave the answers exact (every box is computed from its points) and only slow
 * the search, so it is pinned here: every inner node's left points lie at or below its right points on the
 * widest side of its box.
 */
class BoundsTreeSplitTest {
    private static final int[] SIZES = {33, 127, 128, 129, 255, 256, 1_000, 4_113, 70_001};

    private static double[][] points(int n, IntFunction<double[]> row) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = row.apply(i);
        }
        return x;
    }

    @Test
    void everyInnerNodeSplitsAtTheMedianOfItsWidestSide() {
        for (int n : SIZES) {
            SplittableRandom rnd = new SplittableRandom(n);
            checkSplits(n, points(n, i -> new double[] {i, 0.5 * i}));
            checkSplits(n, points(n, i -> new double[] {n - i, 1}));
            checkSplits(n, points(n, i -> new double[] {Math.min(i, n - i), i % 7}));
            checkSplits(n, points(n, i -> new double[] {rnd.nextInt(2), rnd.nextInt(3)}));
            checkSplits(n, points(n, i -> new double[] {rnd.nextInt(5), 2.5, rnd.nextDouble()}));
            checkSplits(n, points(n, i -> new double[] {4.0, 4.0}));
        }
    }

    private static void checkSplits(int n, double[][] x) {
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(TestData.matrix(arena, "x", x, NpyDType.F8));
             BoundsTree tree = BoundsTree.build(data, 2, ScratchSpace.auto())) {
            tree.validate();
            Metric metric = Metric.of(data);
            BoundsNodeLayout layout = tree.layout();
            MemorySegment nodes = tree.nodes();
            int d = x[0].length;
            for (int node = 0; node < tree.nodeCount(); node++) {
                int right = layout.right(nodes, node);
                if (right == BoundsNodeLayout.LEAF) {
                    continue;
                }
                // the builder's rule: the first dimension of the largest width
                int k = 0;
                for (int j = 1; j < d; j++) {
                    if (layout.boxHi(nodes, node, j) - layout.boxLo(nodes, node, j)
                            > layout.boxHi(nodes, node, k) - layout.boxLo(nodes, node, k)) {
                        k = j;
                    }
                }
                double leftMax = Double.NEGATIVE_INFINITY;
                for (int pos = layout.start(nodes, node + 1); pos < layout.end(nodes, node + 1); pos++) {
                    leftMax = Math.max(leftMax, metric.treeCoordinate(tree.pointAt(pos), k));
                }
                double rightMin = Double.POSITIVE_INFINITY;
                for (int pos = layout.start(nodes, right); pos < layout.end(nodes, right); pos++) {
                    rightMin = Math.min(rightMin, metric.treeCoordinate(tree.pointAt(pos), k));
                }
                assertTrue(leftMax <= rightMin, "n = " + n + ", node " + node + ": left points reach " + leftMax
                        + " in dimension " + k + ", right points start at " + rightMin);
            }
        }
    }
}
