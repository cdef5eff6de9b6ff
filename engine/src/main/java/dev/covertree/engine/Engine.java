package dev.covertree.engine;

/** The exact search algorithms. All return the same answer; they differ in speed. */
public enum Engine {
    /**
     * The fastest exact engine for the data: for Euclidean the bounds tree in low dimension, the cover tree
     * above; for the residual metric whichever of the bounds tree, the cover tree and the blocked brute
     * force a timed sample of the job finds fastest (see {@link dev.covertree.engine.knn.EnginePlan}; docs/benchmarks.md has the
     * measurements behind the rule).
     */
    AUTO,
    /** The cover tree, pruned by exact subtree radii. */
    TREE,
    /**
     * The bounds tree: a k-d tree over the (lengthscale-scaled) coordinates whose nodes bound the distance
     * by the metric's structure (kernel decay over a box, V column ranges, the smallest p), not by the
     * triangle inequality ({@link dev.covertree.engine.bounds.BoundsTree}).
     */
    BOUNDS,
    /**
     * Exhaustive search, blocked so that a tile of dataset rows serves a block of queries from cache; for the
     * residual metric with OpenBLAS installed, one dgemm per block and tile, a rigorous screen of its products,
     * and the canonical distance for the pairs that can still be among the k nearest (the package-private {@code ProductBlock}).
     */
    BRUTE,
    /** Exhaustive search, one query and one distance at a time: the simplest baseline and the test oracle. */
    SCAN;

    /** The name used on the command line and in reports: lower case. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
