package dev.covertree.engine;

import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Orderings of a dataset's points for the Vecchia approximation, in which point i conditions on the points
 * before it. An ordering is a permutation {@code order}: position t holds the original id {@code order[t]}.
 * <ul>
 *   <li>{@link #random}: a seeded uniform shuffle (GPBoost's default);</li>
 *   <li>{@link #maxMin}: the exact max-min ordering (GpGp's and GPvecchia's): the first point is the one
 *   nearest the centre of the coordinates' bounding box, each next one the point farthest from all points
 *   chosen so far; ties go to the smaller id. Distances are squared Euclidean distances of the coordinates
 *   divided by the lengthscales, summed in dimension order without fused multiply-adds, so a NumPy
 *   implementation of the same definition ({@code ((X - x)**2).sum(axis=1)}) decides ties identically.</li>
 * </ul>
 * {@link #apply} copies a matrix's rows into an ordering.
 *
 * @see ScratchSpace
 */
public final class Ordering {
    private Ordering() {
    }

    /** The identity: the file's own order. */
    public static long[] given(long n) {
        long[] order = new long[checkedSize(n)];
        Arrays.setAll(order, i -> i);
        return order;
    }

    /** A uniform random permutation of {@code 0 … n−1} (Fisher–Yates with Java's SplittableRandom). */
    public static long[] random(long n, long seed) {
        long[] order = given(n);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * The exact max-min ordering of {@code coords} scaled by {@code lengthscale} (one value, or one per
     * dimension). After a point c is chosen at distance D from the earlier ones, only points nearer c than
     * D can have their distance to the chosen set lowered (every unchosen point is within D already), so
     * each step updates the points a k-d tree finds within D of c, not all N.
     */
    public static long[] maxMin(Matrix coords, double[] lengthscale) {
        int n = checkedSize(coords.rows());
        int d = (int) coords.cols();
        if (lengthscale.length != 1 && lengthscale.length != d) {
            throw new InvalidInputException(lengthscale.length + " lengthscales but the coordinates have " + d + " dimensions");
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment scaled = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, (long) n * d));
            double[] lo = new double[d];
            double[] hi = new double[d];
            Arrays.fill(lo, Double.POSITIVE_INFINITY);
            Arrays.fill(hi, Double.NEGATIVE_INFINITY);
            double maxAbs = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    double x = coords.get(i, k) / lengthscale[lengthscale.length == 1 ? 0 : k];
                    if (!Double.isFinite(x)) {
                        throw new InvalidInputException(coords.name() + ": coordinate (" + i + ", " + k + ") = "
                                + coords.get(i, k) + " divided by its lengthscale is beyond float64's range");
                    }
                    scaled.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * d + k, x);
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                }
            }
            // coordinates of extreme magnitude are rescaled by a power of two (as the Euclidean metric does), which
            // changes no comparison the ordering makes and keeps the squared distances inside float64's range
            int e = maxAbs == 0 ? 0 : Math.getExponent(maxAbs);
            int shift = Math.abs(e) > Dataset.UNSCALED_EXPONENT ? -e : 0;
            for (long i = 0; i < (long) n * d; i++) {
                double x = Math.scalb(scaled.getAtIndex(ValueLayout.JAVA_DOUBLE, i), shift);
                scaled.setAtIndex(ValueLayout.JAVA_DOUBLE, i, x);
                int k = (int) (i % d);
                lo[k] = Math.min(lo[k], x);
                hi[k] = Math.max(hi[k], x);
            }
            double[] centre = new double[d];
            for (int k = 0; k < d; k++) {
                centre[k] = (lo[k] + hi[k]) / 2;
            }
            if (n == 0) {
                return new long[0];
            }
            try (Dataset points = Dataset.euclidean(new Matrix("scaled coordinates", scaled, NpyDType.F8, n, d));
                 BoundsTree tree = BoundsTree.build(points, 1, ScratchSpace.auto())) {
                return new MaxMin(scaled, n, d, tree).run(centre);
            }
        }
    }

    /**
     * {@code m}'s rows in {@code order} (row t of the result is row {@code order[t]} of {@code m}), living as
     * long as {@code arena}, in memory or in a mapped scratch file as {@code space} decides (a copy of V can be
     * as large as V).
     */
    public static Matrix apply(Matrix m, long[] order, Arena arena, ScratchSpace space) {
        if (order.length != m.rows()) {
            throw new InvalidInputException("an ordering of " + order.length + " points for " + m.name() + " of " + m.rows()
                    + " rows");
        }
        long row = m.cols() * m.dtype().itemSize();
        long bytes = row * order.length;
        MemorySegment s = space.allocate(arena, bytes, space.usesFiles(bytes)).asSlice(0, bytes);
        for (int t = 0; t < order.length; t++) {
            MemorySegment.copy(m.segment(), m.rowOffset(order[t]), s, row * t, row);
        }
        return new Matrix(m.name(), s, m.dtype(), m.rows(), m.cols());
    }

    private static int checkedSize(long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("cannot order " + n + " points");
        }
        return (int) n;
    }

    /**
     * The max-min loop: an indexed max-heap of the unchosen points by (distance to the chosen set, then the
     * smaller id), whose keys only fall (a sift down per update), and the {@link BoundsTree} of the scaled
     * coordinates for the updates: a node is skipped when the squared gap from its box to the chosen point
     * ({@link BoundsNodeLayout#nearSquared}) exceeds the radius widened by {@code 8 (d + 2) u}. Each gap is at
     * most the computed coordinate difference of any point inside (rounding is monotone); the gaps' FMA chain
     * is within {@code d u} of their exact sum of squares, relative, and {@link #squared}'s plain sum of the same
     * or larger squares within {@code (d + 1) u} of its own, which the widening covers (with its own
     * rounding), so no point nearer than the radius is skipped.
     */
    private static final class MaxMin {
        private final MemorySegment x;
        private final int n;
        private final int d;
        private final double[] dmin;
        private final boolean[] chosen;
        private final BoundsTree tree;
        private final BoundsNodeLayout layout;
        private final MemorySegment nodes;
        private final double[] point;
        private int[] stack = new int[64];
        /** heap[0, size) holds point ids; where[id] is the id's slot, −1 once it left the heap. */
        private final int[] heap;
        private final int[] where;
        private int size;
        /** The point just chosen, whose neighbours {@link #update} lowers. */
        private int current;
        private final java.util.function.IntConsumer update;

        MaxMin(MemorySegment x, int n, int d, BoundsTree tree) {
            this.x = x;
            this.n = n;
            this.d = d;
            this.dmin = new double[n];
            this.chosen = new boolean[n];
            this.tree = tree;
            this.layout = tree.layout();
            this.nodes = tree.nodes();
            this.point = new double[d];
            this.heap = new int[n];
            this.where = new int[n];
            this.update = j -> {
                if (!chosen[j]) {
                    double s = squared(current, j);
                    if (s < dmin[j]) {
                        dmin[j] = s;
                        siftDown(where[j]);
                    }
                }
            };
        }

        /** The ordering, for at least one point. */
        long[] run(double[] centre) {
            long[] order = new long[n];
            int first = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double t = x.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * d + k) - centre[k];
                    s += t * t;
                }
                if (s < best) {
                    best = s;
                    first = i;
                }
            }
            // every key +∞: any order is a heap; the first point leaves it at once
            Arrays.fill(dmin, Double.POSITIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                heap[i] = i;
                where[i] = i;
            }
            size = n;
            remove(where[first]);
            int c = first;
            for (int t = 0; t < n; t++) {
                order[t] = c;
                chosen[c] = true;
                current = c;
                within(c, dmin[c]);
                if (t + 1 < n) {
                    c = heap[0];
                    remove(0);
                }
            }
            return order;
        }

        /** Calls {@link #update} with every point whose squared distance to point c may be below {@code radius}. */
        private void within(int c, double radius) {
            for (int k = 0; k < d; k++) {
                point[k] = x.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) c * d + k);
            }
            double widened = radius * (1 + 8.0 * (d + 2) * 0x1p-53);
            int top = 0;
            stack[top++] = 0;
            while (top > 0) {
                int node = stack[--top];
                if (layout.nearSquared(nodes, node, point) > widened) {
                    continue;
                }
                int right = layout.right(nodes, node);
                if (right == BoundsNodeLayout.LEAF) {
                    for (int pos = layout.start(nodes, node), end = layout.end(nodes, node); pos < end; pos++) {
                        update.accept((int) tree.pointAt(pos));
                    }
                    continue;
                }
                if (top + 2 > stack.length) {
                    stack = Arrays.copyOf(stack, 2 * stack.length);
                }
                stack[top++] = right;
                stack[top++] = node + 1;
            }
        }

        double squared(int a, int b) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double t = x.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) a * d + k) - x.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) b * d + k);
                s += t * t;
            }
            return s;
        }

        /** Point a comes before point b: farther from the chosen set, or as far with a smaller id. */
        private boolean above(int a, int b) {
            return dmin[a] > dmin[b] || (dmin[a] == dmin[b] && a < b);
        }

        /** Takes the point at slot {@code i} out of the heap. */
        private void remove(int i) {
            int gone = heap[i];
            where[gone] = -1;
            size--;
            if (i < size) {
                heap[i] = heap[size];
                where[heap[i]] = i;
                siftDown(i);
                siftUp(i);
            }
        }

        private void siftDown(int i) {
            int id = heap[i];
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    break;
                }
                int r = l + 1;
                int child = r < size && above(heap[r], heap[l]) ? r : l;
                if (!above(heap[child], id)) {
                    break;
                }
                heap[i] = heap[child];
                where[heap[i]] = i;
                i = child;
            }
            heap[i] = id;
            where[id] = i;
        }

        private void siftUp(int i) {
            int id = heap[i];
            while (i > 0 && above(id, heap[(i - 1) / 2])) {
                heap[i] = heap[(i - 1) / 2];
                where[heap[i]] = i;
                i = (i - 1) / 2;
            }
            heap[i] = id;
            where[id] = i;
        }
    }
}
