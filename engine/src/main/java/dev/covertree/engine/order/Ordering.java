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
import java.util.function.LongConsumer;

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
     * each step updates the points a k-d tree finds within D of c, not all N. The tree is built on one thread.
     */
    public static long[] maxMin(Matrix coords, double[] lengthscale) {
        return maxMin(coords, lengthscale, 1, null);
    }

    /**
     * As {@link #maxMin(Matrix, double[])}, the k-d tree built on {@code threads} threads (the same tree, and so
     * the same ordering, for every thread count; the steps themselves run on the calling thread, each one
     * depending on the one before), telling {@code progress} (if not null) how many more points are ordered.
     * A progress callback that throws stops the ordering.
     */
    public static long[] maxMin(Matrix coords, double[] lengthscale, int threads, LongConsumer progress) {
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
                 BoundsTree tree = BoundsTree.build(points, threads, ScratchSpace.auto())) {
                return new MaxMin(scaled, n, d, tree, arena).run(centre, progress != null ? progress : t -> { });
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
     * The max-min loop over the {@link BoundsTree} of the scaled coordinates. Each node of the tree keeps the
     * largest unchosen point of its subtree by (distance to the chosen set, then the smaller id), so the next
     * point is the root's; an update lowers the distances of the points near the chosen one and then recomputes
     * the largest point of the nodes it visited and of their ancestors. (distance, id) orders every pair of
     * points strictly, so each step takes the one largest point whatever the nodes' layout.
     *
     * <p>An update skips a node when the squared gap from its box to the chosen point
     * ({@link BoundsNodeLayout#nearSquared}) exceeds the radius widened by {@code 8 (d + 2) u}. Each gap is at
     * most the computed coordinate difference of any point inside (rounding is monotone); the gaps' FMA chain
     * is within {@code d u} of their exact sum of squares, relative, and {@link #squared}'s plain sum of the same
     * or larger squares within {@code (d + 1) u} of its own, which the widening covers (with its own
     * rounding), so no point nearer than the radius is skipped. Every node whose box holds the chosen point has
     * a gap of 0 and is visited, so the chosen point's own leaf and ancestors are recomputed too.
     *
     * <p>Points are numbered by their position in the tree's node order, and their coordinates and distances
     * kept in that order: the points an update visits are a few leaves, each a run of adjacent positions, and
     * the nodes whose largest point it recomputes are those leaves' ancestors, so once the points outgrow the
     * caches an update reads a few runs of memory instead of a cache line per point (as an indexed heap of the
     * points would, a sift per lowered point). Ids matter only for ties and the result.
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
        /** The tree, whose node order numbers the points ({@link BoundsTree#pointAt} gives a position's id). */
        private final BoundsTree tree;
        /** Coordinate k of the point at position pos, at {@code pos d + k}: the tree's node order. */
        private final MemorySegment xs;
        /**
         * Each position's squared distance to the chosen set (float64), −∞ once it is chosen, so that it is never
         * lowered or taken again. Off the heap with the coordinates: the heap holds only per-node arrays and the
         * result, so a small heap serves a large N.
         */
        private final MemorySegment dmin;
        private final BoundsNodeLayout layout;
        private final MemorySegment nodes;
        /** Each node's parent (the root's is −1), and each inner node's right child (its left is the next node). */
        private final int[] parent;
        private final int[] right;
        /**
         * Each node's largest unchosen position, the leaf holding it and its distance, or −1, −1 and −∞ when none
         * is left in the subtree: the root's is the next point, and its leaf where that point's update starts.
         */
        private final int[] topPos;
        private final int[] topLeaf;
        private final double[] topKey;
        private final double[] point;
        private int[] stack = new int[64];
        /** The nodes an update visited, parents before children. */
        private int[] visited = new int[64];

        MaxMin(MemorySegment x, int n, int d, BoundsTree tree, Arena arena) {
            this.x = x;
            this.n = n;
            this.d = d;
            this.tree = tree;
            this.layout = tree.layout();
            this.nodes = tree.nodes();
            this.parent = new int[tree.nodeCount()];
            this.right = new int[tree.nodeCount()];
            linkNodes();
            this.xs = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, (long) n * d));
            for (int pos = 0; pos < n; pos++) {
                MemorySegment.copy(x, 8L * d * tree.pointAt(pos), xs, 8L * d * pos, 8L * d);
            }
            this.dmin = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, n));
            this.point = new double[d];
            this.topPos = new int[tree.nodeCount()];
            this.topLeaf = new int[tree.nodeCount()];
            this.topKey = new double[tree.nodeCount()];
        }

        /** Steps between two reports to the progress callback. */
        private static final int REPORT_STEPS = 1 << 16;

        /** The ordering, for at least one point, telling {@code progress} how many more points are ordered. */
        long[] run(double[] centre, LongConsumer progress) {
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
            // in one pass (the same squared sum as an update's), and every node's largest point then found
            // bottom-up (in preorder a node's children come after it)
            int c = 0;
            while (tree.pointAt(c) != first) {
                c++;
            }
            order[0] = first;
            MemorySegment.copy(xs, ValueLayout.JAVA_DOUBLE, 8L * d * c, point, 0, d);
            for (int pos = 0; pos < n; pos++) {
                setDmin(pos, squared(pos));
            }
            setDmin(c, Double.NEGATIVE_INFINITY);
            for (int node = topPos.length - 1; node >= 0; node--) {
                recompute(node);
            }
            for (int t = 1; t < n; t++) {
                c = topPos[0];
                order[t] = tree.pointAt(c);
                double radius = dmin(c);
                setDmin(c, Double.NEGATIVE_INFINITY);
                lowerWithin(c, topLeaf[0], radius);
                if ((t & (REPORT_STEPS - 1)) == 0) {
                    progress.accept(REPORT_STEPS);
                }
            }
            progress.accept(n - (long) (n - 1) / REPORT_STEPS * REPORT_STEPS);
            return order;
        }

        private void linkNodes() {
            parent[0] = -1;
            int top = 0;
            stack[top++] = 0;
            while (top > 0) {
                int node = stack[--top];
                int r = layout.right(nodes, node);
                right[node] = r;
                if (r == BoundsNodeLayout.LEAF) {
                    continue;
                }
                parent[node + 1] = node;
                parent[r] = node;
                if (top + 2 > stack.length) {
                    stack = Arrays.copyOf(stack, 2 * stack.length);
                }
                stack[top++] = r;
                stack[top++] = node + 1;
            }
        }

        /**
         * Lowers the distance of every unchosen point whose squared distance to point c (in leaf {@code leaf})
         * may be below {@code radius}, then recomputes the largest point of every node the update visited,
         * children first, and of the ancestors above them.
         */
        private void lowerWithin(int c, int leaf, double radius) {
            if (radius == 0) {
                // every unchosen point is at distance 0 too (c is the largest), and no squared distance is below
                // 0: nothing to lower, only c's leaf and ancestors to recompute. Without this, data with repeated
                // points would search every node whose box holds c at every remaining step (a step per point)
                recomputeUpFrom(leaf);
                return;
            }
            MemorySegment.copy(xs, ValueLayout.JAVA_DOUBLE, 8L * d * c, point, 0, d);
            double widened = radius * (1 + 8.0 * (d + 2) * 0x1p-53);
            double r = Math.sqrt(widened) * (1 + 0x1p-40);
            int from = leaf;
            while (from > 0 && !holds(from, r)) {
                from = parent[from];
            }
            int count = 0;
            int top = 0;
            stack[top++] = from;
            while (top > 0) {
                int node = stack[--top];
                if (layout.nearSquared(nodes, node, point) > widened) {
                    continue;
                }
                if (count == visited.length) {
                    visited = Arrays.copyOf(visited, 2 * count);
                }
                visited[count++] = node;
                if (right[node] == BoundsNodeLayout.LEAF) {
                    int start = layout.start(nodes, node);
                    int end = layout.end(nodes, node);
                    double largest = Double.NEGATIVE_INFINITY;
                    for (int pos = start; pos < end; pos++) {
                        double s = Math.min(dmin(pos), squared(pos));
                        setDmin(pos, s);
                        largest = Math.max(largest, s);
                    }
                    setLeafTop(node, start, largest);
                    continue;
                }
                if (top + 2 > stack.length) {
                    stack = Arrays.copyOf(stack, 2 * stack.length);
                }
                stack[top++] = right[node];
                stack[top++] = node + 1;
            }
            while (count > 0) {
                int node = visited[--count];
                if (right[node] != BoundsNodeLayout.LEAF) {
                    recompute(node);
                }
            }
            recomputeUpFrom(parent[from]);
        }

        /** Recomputes {@code node} (if not −1, the root's parent) and every ancestor of it, children first. */
        private void recomputeUpFrom(int node) {
            for (; node >= 0; node = parent[node]) {
                recompute(node);
            }
        }

        /** Sets a node's largest point from its leaf's points or from its two children's. */
        private void recompute(int node) {
            if (right[node] == BoundsNodeLayout.LEAF) {
                int start = layout.start(nodes, node);
                double largest = Double.NEGATIVE_INFINITY;
                for (int pos = start, end = layout.end(nodes, node); pos < end; pos++) {
                    largest = Math.max(largest, dmin(pos));
                }
                setLeafTop(node, start, largest);
                return;
            }
            int from = node + 1;
            if (above(topKey[right[node]], topPos[right[node]], topKey[from], topPos[from])) {
                from = right[node];
            }
            topPos[node] = topPos[from];
            topLeaf[node] = topLeaf[from];
            topKey[node] = topKey[from];
        }

        /**
         * Sets a leaf's largest point given the largest distance in it: the first position holding it, which
         * has the smallest id among them (a leaf lists its points in increasing id order), or none when the
         * leaf's points are all chosen. Finding the distance first, then its position, keeps both loops free of
         * unpredictable branches.
         */
        private void setLeafTop(int node, int start, double largest) {
            int best = -1;
            if (largest != Double.NEGATIVE_INFINITY) {
                best = start;
                while (dmin(best) != largest) {
                    best++;
                }
            }
            topPos[node] = best;
            topLeaf[node] = best < 0 ? -1 : node;
            topKey[node] = largest;
        }

        private double dmin(int pos) {
            return dmin.getAtIndex(ValueLayout.JAVA_DOUBLE, pos);
        }

        private void setDmin(int pos, double s) {
            dmin.setAtIndex(ValueLayout.JAVA_DOUBLE, pos, s);
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

        /**
         * (key ka, position a) comes before (kb, b): farther from the chosen set, or as far with a smaller id.
         * A chosen point's key is −∞ and comes before nothing, so position b is only read when it is a point.
         */
        private boolean above(double ka, int a, double kb, int b) {
            return ka > kb || (ka == kb && ka != Double.NEGATIVE_INFINITY && tree.pointAt(a) < tree.pointAt(b));
        }
    }
}
