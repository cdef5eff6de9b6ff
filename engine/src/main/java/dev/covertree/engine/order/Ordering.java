package dev.covertree.engine.order;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.bounds.BoundsTree;
import dev.covertree.engine.internal.search.BoundsNodeLayout;
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
            int shift = -Dataset.exponentFor(maxAbs);
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
                return new MaxMin(scaled, n, d, tree, arena).run(centre);
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
     *
     * <p>Points are numbered by their position in the tree's node order, and their coordinates, distances and
     * chosen flags kept in that order: the points an update visits are a few leaves, each a run of adjacent
     * positions, so once the points outgrow the caches an update reads a few runs of memory instead of a
     * cache line per point. Ids matter only for ties and the result.
     *
     * <p>An update's ball is small (late in the ordering, a few leaves), so its descent starts not at the root
     * but at the lowest ancestor of the chosen point's leaf whose box holds the ball strictly inside. That
     * misses no point: the tree splits at a median of one coordinate, so every point outside a subtree lies
     * on the far side of a split plane that bounds the subtree's box, outside the box and so outside the ball.
     * A point the update lowers has a computed squared distance below the radius, so each coordinate differs
     * by less than {@code r = √widened (1 + 2^−40)} (the widening covers the sum's rounding, the factor the
     * square root's); and {@code fl(c_k + r) < hi_k} implies {@code c_k + r < hi_k}, rounding being monotone and
     * {@code hi_k} a float (likewise below).
     */
    private static final class MaxMin {
        private final MemorySegment x;
        private final int n;
        private final int d;
        /** Coordinate k of the point at position pos, at {@code pos d + k}: the tree's node order. */
        private final MemorySegment xs;
        private final int[] idOf;
        private final double[] dmin;
        private final boolean[] chosen;
        private final BoundsNodeLayout layout;
        private final MemorySegment nodes;
        /** Each node's parent (the root's is −1), and the leaf holding each position. */
        private final int[] parent;
        private final int[] leafOf;
        private final double[] point;
        private int[] stack = new int[64];
        /**
         * A 4-ary heap of positions: slot i's children are 4i + 1 … 4i + 4, and key[i] is the distance of
         * heap[i], beside it, so that a sift compares four children from one or two cache lines; a 4-ary heap is
         * half as deep as a binary one. where[pos] is the position's slot, −1 once it left the heap.
         */
        private final int[] heap;
        private final double[] key;
        private final int[] where;
        private int size;

        MaxMin(MemorySegment x, int n, int d, BoundsTree tree, Arena arena) {
            this.x = x;
            this.n = n;
            this.d = d;
            this.layout = tree.layout();
            this.nodes = tree.nodes();
            this.parent = new int[tree.nodeCount()];
            this.leafOf = new int[n];
            linkNodes();
            this.idOf = new int[n];
            this.xs = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, (long) n * d));
            for (int pos = 0; pos < n; pos++) {
                idOf[pos] = (int) tree.pointAt(pos);
                MemorySegment.copy(x, 8L * d * idOf[pos], xs, 8L * d * pos, 8L * d);
            }
            this.dmin = new double[n];
            this.chosen = new boolean[n];
            this.point = new double[d];
            this.heap = new int[n];
            this.key = new double[n];
            this.where = new int[n];
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
            // the first point lowers every other point's distance, from +∞ to the distance to it: computed here
            // in one pass (the same squared sum as an update's), and the heap then built bottom-up in node
            // order, where n decrease-keys from +∞ would each sift a point down from a slot far from its
            // spatial neighbours'. The order does not depend on the heap's layout: (distance, id) orders every
            // pair of points strictly, so each step takes the one largest point whatever the heap's shape.
            int c = 0;
            while (idOf[c] != first) {
                c++;
            }
            order[0] = first;
            chosen[c] = true;
            where[c] = -1;
            dmin[c] = Double.POSITIVE_INFINITY;
            MemorySegment.copy(xs, ValueLayout.JAVA_DOUBLE, 8L * d * c, point, 0, d);
            size = 0;
            for (int pos = 0; pos < n; pos++) {
                if (pos != c) {
                    dmin[pos] = squared(pos);
                    heap[size] = pos;
                    key[size] = dmin[pos];
                    where[pos] = size;
                    size++;
                }
            }
            for (int i = (size - 2) / 4; size > 1 && i >= 0; i--) {
                siftDown(i);
            }
            for (int t = 1; t < n; t++) {
                c = heap[0];
                remove(0);
                order[t] = idOf[c];
                chosen[c] = true;
                lowerWithin(c, dmin[c]);
            }
            return order;
        }

        private void linkNodes() {
            parent[0] = -1;
            int top = 0;
            stack[top++] = 0;
            while (top > 0) {
                int node = stack[--top];
                int right = layout.right(nodes, node);
                if (right == BoundsNodeLayout.LEAF) {
                    Arrays.fill(leafOf, layout.start(nodes, node), layout.end(nodes, node), node);
                    continue;
                }
                parent[node + 1] = node;
                parent[right] = node;
                if (top + 2 > stack.length) {
                    stack = Arrays.copyOf(stack, 2 * stack.length);
                }
                stack[top++] = right;
                stack[top++] = node + 1;
            }
        }

        /** Lowers the distance of every unchosen point whose squared distance to point c may be below {@code radius}. */
        private void lowerWithin(int c, double radius) {
            MemorySegment.copy(xs, ValueLayout.JAVA_DOUBLE, 8L * d * c, point, 0, d);
            double widened = radius * (1 + 8.0 * (d + 2) * 0x1p-53);
            double r = Math.sqrt(widened) * (1 + 0x1p-40);
            int from = leafOf[c];
            while (from > 0 && !holds(from, r)) {
                from = parent[from];
            }
            int top = 0;
            stack[top++] = from;
            while (top > 0) {
                int node = stack[--top];
                if (layout.nearSquared(nodes, node, point) > widened) {
                    continue;
                }
                int right = layout.right(nodes, node);
                if (right == BoundsNodeLayout.LEAF) {
                    for (int pos = layout.start(nodes, node), end = layout.end(nodes, node); pos < end; pos++) {
                        if (!chosen[pos]) {
                            double s = squared(pos);
                            if (s < dmin[pos]) {
                                dmin[pos] = s;
                                key[where[pos]] = s;
                                siftDown(where[pos]);
                            }
                        }
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

        /** Node {@code node}'s box holds the ball of radius {@code r} around {@link #point} strictly inside. */
        private boolean holds(int node, double r) {
            for (int k = 0; k < d; k++) {
                if (!(point[k] - r > layout.boxLo(nodes, node, k) && point[k] + r < layout.boxHi(nodes, node, k))) {
                    return false;
                }
            }
            return true;
        }

        /** The squared distance from {@link #point} to the point at position {@code pos}: a plain sum, as NumPy's. */
        private double squared(int pos) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double t = point[k] - xs.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) pos * d + k);
                s += t * t;
            }
            return s;
        }

        /** (key ka, position a) comes before (kb, b): farther from the chosen set, or as far with a smaller id. */
        private boolean above(double ka, int a, double kb, int b) {
            return ka > kb || (ka == kb && idOf[a] < idOf[b]);
        }

        /** Takes the point at slot {@code i} out of the heap. */
        private void remove(int i) {
            int gone = heap[i];
            where[gone] = -1;
            size--;
            if (i < size) {
                heap[i] = heap[size];
                key[i] = key[size];
                where[heap[i]] = i;
                siftDown(i);
                siftUp(i);
            }
        }

        private void siftDown(int i) {
            int pos = heap[i];
            double k = key[i];
            while (true) {
                int first = 4 * i + 1;
                if (first >= size) {
                    break;
                }
                int child = first;
                for (int c = first + 1, end = Math.min(first + 4, size); c < end; c++) {
                    if (above(key[c], heap[c], key[child], heap[child])) {
                        child = c;
                    }
                }
                if (!above(key[child], heap[child], k, pos)) {
                    break;
                }
                heap[i] = heap[child];
                key[i] = key[child];
                where[heap[i]] = i;
                i = child;
            }
            heap[i] = pos;
            key[i] = k;
            where[pos] = i;
        }

        private void siftUp(int i) {
            int pos = heap[i];
            double k = key[i];
            while (i > 0 && above(k, pos, key[(i - 1) / 4], heap[(i - 1) / 4])) {
                int parent = (i - 1) / 4;
                heap[i] = heap[parent];
                key[i] = key[parent];
                where[heap[i]] = i;
                i = parent;
            }
            heap[i] = pos;
            key[i] = k;
            where[pos] = i;
        }
    }
}
