package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Merging two segments' sorted partial lists gives the k nearest of their union, ties by the smaller id. */
class NeighbourBlockTest {
    private record Pair(double d, long id) {
    }

    @Test
    void mergingPartialListsGivesTheKNearestOfTheUnion() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 500; trial++) {
                int k = 1 + rnd.nextInt(12);
                int na = rnd.nextInt(2 * k);
                int nb = rnd.nextInt(2 * k);
                // few distinct distances, so that ties (and -0.0 against 0.0) are common
                List<Pair> a = pairs(rnd, na, 0);
                List<Pair> b = pairs(rnd, nb, 1000);
                NeighbourBlock merged = NeighbourBlock.merge(block(a, k, arena), block(b, k, arena));
                List<Pair> all = new ArrayList<>(a);
                all.addAll(b);
                all.sort(BEST_FIRST);
                long[] ids = new long[k];
                double[] d = new double[k];
                for (int j = 0; j < k; j++) {
                    ids[j] = j < all.size() ? all.get(j).id() : -1;
                    d[j] = j < all.size() ? all.get(j).d() : Double.POSITIVE_INFINITY;
                }
                assertArrayEquals(ids, merged.ids(0), "trial " + trial);
                for (int j = 0; j < k; j++) {
                    assertEquals(Double.doubleToRawLongBits(d[j]), Double.doubleToRawLongBits(merged.distances(0)[j]),
                            "trial " + trial + ", entry " + j);
                }
            }
        }
    }

    @Test
    void blocksOfDifferentRowsDoNotMerge() {
        assertThrows(IllegalStateException.class,
                () -> NeighbourBlock.merge(NeighbourBlock.empty(0, 4, 3), NeighbourBlock.empty(4, 4, 3)));
    }

    /** The engines' order: smaller distance (by {@code <}), then smaller id. */
    private static final Comparator<Pair> BEST_FIRST = (x, y) -> x.d() < y.d() ? -1 : y.d() < x.d() ? 1 : Long.compare(x.id(), y.id());

    private static List<Pair> pairs(SplittableRandom rnd, int n, long idBase) {
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int level = rnd.nextInt(5);
            out.add(new Pair(level == 0 ? (rnd.nextBoolean() ? -0.0 : 0.0) : level * 0.25, idBase + rnd.nextInt(900)));
        }
        // ids within one segment are distinct
        out = new ArrayList<>(out.stream().collect(java.util.stream.Collectors.toMap(Pair::id, p -> p, (p, q) -> p)).values());
        out.sort(BEST_FIRST);
        return out;
    }

    /** One segment's result row: its k best, as a KnnResult row (padding −1 / +∞), ids relative to 0. */
    private static NeighbourBlock block(List<Pair> sorted, int k, Arena arena) {
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, k);
        MemorySegment d = arena.allocate(ValueLayout.JAVA_DOUBLE, k);
        for (int j = 0; j < k; j++) {
            ids.setAtIndex(ValueLayout.JAVA_LONG, j, j < sorted.size() ? sorted.get(j).id() : -1);
            d.setAtIndex(ValueLayout.JAVA_DOUBLE, j, j < sorted.size() ? sorted.get(j).d() : Double.POSITIVE_INFINITY);
        }
        NeighbourBlock b = NeighbourBlock.empty(0, 1, k);
        b.setRow(0, ids, d, 0, 0);
        return b;
    }
}
