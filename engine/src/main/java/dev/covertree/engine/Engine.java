package dev.covertree.engine;

/** The exact search algorithms. All return the same answer; they differ in speed. */
public enum Engine {
    /**
     * The fastest exact engine for the data: the cover tree for Euclidean; for the residual metric the
     * blocked brute force, or the tree when the job is large and a timed sample shows it is faster (see
     * {@link EnginePlan}; docs/benchmarks.md has the measurements behind the rule).
     */
    AUTO,
    /** The cover tree, pruned by exact subtree radii. */
    TREE,
    /** Exhaustive search, blocked so that a tile of dataset rows serves a block of queries from cache. */
    BRUTE,
    /** Exhaustive search, one query and one distance at a time: the simplest baseline and the test oracle. */
    SCAN;

    /**
     * The engine this stands for on a metric without looking at the data: itself, or for AUTO the tree
     * (Euclidean) or the brute force (residual). {@link EnginePlan#of} may still pick the tree for a large
     * residual job.
     */
    public Engine resolve(MetricType metric) {
        if (this != AUTO) {
            return this;
        }
        return metric == MetricType.EUCLIDEAN ? TREE : BRUTE;
    }

    /** The name used on the command line and in reports: lower case. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
