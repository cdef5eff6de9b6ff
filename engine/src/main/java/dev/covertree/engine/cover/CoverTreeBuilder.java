package dev.covertree.engine.cover;

import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.internal.search.NodeLayout;
import dev.covertree.engine.internal.search.NodeOrder;
import dev.covertree.engine.metric.Metric;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The batch construction described in {@link CoverTree}. A work array holds every point once; a node's
 * descendants occupy the run after it, which the build partitions in place, so the final order of the
 * work array is the depth-first node order and each node's index its position there. That tree is
 * built in scratch, then renumbered into the caller's segment in {@link NodeOrder}. Scratch lives
 * off-heap or in temporary files, freed when the build ends.
 */
final class CoverTreeBuilder {
    /** Subtrees with more points than this are built as separate fork/join tasks. */
    private static final int FORK_THRESHOLD = 1024;
    /** Distance scans longer than this are split across threads. */
    private static final int PARALLEL_SCAN = 4096;

    private final Metric metric;
    private final MemorySegment out;
    private MemorySegment nodes;
    private MemorySegment nextSibling;
    private final ForkJoinPool pool;
    private final LongConsumer progress;
    private final LongAdder evals = new LongAdder();
    private MemorySegment work;
    private MemorySegment wd;
    private MemorySegment td;

    CoverTreeBuilder(Metric metric, MemorySegment out, ForkJoinPool pool, LongConsumer progress) {
        this.metric = metric;
        this.out = out;
        this.pool = pool;
        this.progress = progress;
    }

    /**
     * Off-heap bytes per point of the work arrays: a point id, two distances, the depth-first node and
     * its next-sibling link.
     */
    static final long SCRATCH_BYTES_PER_POINT = 4 + 8 + 8 + NodeLayout.BYTES + 4;

    /** Builds into {@code out}, work arrays in {@code space}; returns the number of distances computed. */
    long build(ScratchSpace space, boolean inFiles) {
        int n = (int) metric.data().size();
        try (Arena scratch = Arena.ofShared()) {
            work = space.allocate(scratch, 4L * n, inFiles);
            wd = space.allocate(scratch, 8L * n, inFiles);
            td = space.allocate(scratch, 8L * n, inFiles);
            nodes = space.allocate(scratch, NodeLayout.BYTES * n, inFiles);
            nextSibling = space.allocate(scratch, 4L * n, inFiles);
            for (int i = 0; i < n; i++) {
                work.setAtIndex(ValueLayout.JAVA_INT, i, i);
            }
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    distancesFrom(0, 1, n, wd);
                    double max = 0;
                    for (int s = 1; s < n; s++) {
                        max = Math.max(max, wd(s));
                    }
                    NodeLayout.set(nodes, 0, 0, NodeLayout.NONE, max == 0 ? 0 : levelBelow(max) + 1, 0);
                    buildNode(0, 1, n, false);
                }
            });
            // the distance work arrays are free now: they hold the renumbering's ints
            NodeOrder.relayout(nodes, nextSibling, out, wd, td);
        }
        return evals.sum();
    }

    private int point(int pos) {
        return work.getAtIndex(ValueLayout.JAVA_INT, pos);
    }

    private double wd(int pos) {
        return wd.getAtIndex(ValueLayout.JAVA_DOUBLE, pos);
    }

    /** The largest l with 2^l &lt; d. */
    static int levelBelow(double d) {
        int e = Math.getExponent(d);
        return d == Math.scalb(1.0, e) ? e - 1 : e;
    }

    /**
     * Builds the subtree of the node at {@code pNode} whose descendants are positions [lo, hi). Progress
     * counts placed nodes: a small subtree reports all its nodes at once ({@code counted} for its
     * descendants), a large one its root, so the count costs one call per small subtree.
     */
    private void buildNode(int pNode, int lo, int hi, boolean counted) {
        if (!counted) {
            boolean small = hi - lo <= FORK_THRESHOLD;
            progress.accept(small ? hi - lo + 1 : 1);
            counted = small;
        }
        final boolean inCounted = counted;
        double maxD = 0;
        long minId = point(pNode);
        double slack = metric.dataSlack(point(pNode));
        for (int s = lo; s < hi; s++) {
            maxD = Math.max(maxD, wd(s));
            minId = Math.min(minId, point(s));
            slack = Math.max(slack, metric.dataSlack(point(s)));
        }
        NodeLayout.setSubtree(nodes, pNode, maxD, minId, slack);
        List<ForkJoinTask<?>> forks = null;
        int prev = NodeLayout.NONE;
        int end = hi;
        while (lo < end) {
            double dmax = 0;
            for (int s = lo; s < end; s++) {
                dmax = Math.max(dmax, wd(s));
            }
            int level = dmax == 0 ? NodeLayout.BOTTOM : levelBelow(dmax);
            double r = dmax == 0 ? 0 : Math.scalb(1.0, level);
            if (dmax == 0 || r >= dmax) {
                // duplicates of p (or below the float range): leaves, no deeper levels
                for (int s = lo; s < end; s++) {
                    prev = link(pNode, prev, s, NodeLayout.BOTTOM);
                }
                break;
            }
            int mid = partition(lo, end, r, wd, false);
            for (int c = mid; c < end; ) {
                prev = link(pNode, prev, c, level);
                distancesFrom(c, c + 1, end, td);
                int setEnd = partition(c + 1, end, r, td, true);
                if (setEnd - c - 1 > FORK_THRESHOLD) {
                    if (forks == null) {
                        forks = new ArrayList<>();
                    }
                    final int child = c;
                    forks.add(new RecursiveAction() {
                        @Override
                        protected void compute() {
                            buildNode(child, child + 1, setEnd, inCounted);
                        }
                    }.fork());
                } else {
                    buildNode(c, c + 1, setEnd, inCounted);
                }
                c = setEnd;
            }
            end = mid;
        }
        if (forks != null) {
            for (ForkJoinTask<?> f : forks) {
                f.join();
            }
        }
    }

    private int link(int parent, int prev, int child, int level) {
        NodeLayout.set(nodes, child, point(child), parent, level, metric.dataSlack(point(child)));
        NodeLayout.addChild(nodes, parent, child);
        nextSibling.setAtIndex(ValueLayout.JAVA_INT, child, NodeLayout.NONE);
        if (prev != NodeLayout.NONE) {
            nextSibling.setAtIndex(ValueLayout.JAVA_INT, prev, child);
        }
        return child;
    }

    /**
     * Moves positions in [lo, hi) whose {@code key} is at most r to the front and returns where the rest
     * starts. With {@code adopt}, the moved positions take {@code key} as their distance to the parent.
     */
    private int partition(int lo, int hi, double r, MemorySegment key, boolean adopt) {
        int i = lo;
        for (int s = lo; s < hi; s++) {
            double k = key.getAtIndex(ValueLayout.JAVA_DOUBLE, s);
            if (k <= r) {
                swap(i, s);
                if (adopt) {
                    wd.setAtIndex(ValueLayout.JAVA_DOUBLE, i, td.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
                }
                i++;
            }
        }
        return i;
    }

    private void swap(int a, int b) {
        if (a == b) {
            return;
        }
        int pa = point(a);
        work.setAtIndex(ValueLayout.JAVA_INT, a, point(b));
        work.setAtIndex(ValueLayout.JAVA_INT, b, pa);
        swapDouble(wd, a, b);
        swapDouble(td, a, b);
    }

    private static void swapDouble(MemorySegment s, int a, int b) {
        double x = s.getAtIndex(ValueLayout.JAVA_DOUBLE, a);
        s.setAtIndex(ValueLayout.JAVA_DOUBLE, a, s.getAtIndex(ValueLayout.JAVA_DOUBLE, b));
        s.setAtIndex(ValueLayout.JAVA_DOUBLE, b, x);
    }

    /** {@code out[s] = d(point at centre, point at s)} for s in [lo, hi), split across threads when long. */
    private void distancesFrom(int centre, int lo, int hi, MemorySegment out) {
        long c = point(centre);
        if (hi - lo <= PARALLEL_SCAN) {
            for (int s = lo; s < hi; s++) {
                out.setAtIndex(ValueLayout.JAVA_DOUBLE, s, metric.workingDistance(c, point(s)));
            }
            evals.add(hi - lo);
            return;
        }
        int mid = (lo + hi) >>> 1;
        ForkJoinTask.invokeAll(new RecursiveAction() {
            @Override
            protected void compute() {
                distancesFrom(centre, lo, mid, out);
            }
        }, new RecursiveAction() {
            @Override
            protected void compute() {
                distancesFrom(centre, mid, hi, out);
            }
        });
    }
}
