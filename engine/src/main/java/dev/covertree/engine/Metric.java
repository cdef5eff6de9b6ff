package dev.covertree.engine;

/**
 * A distance between a query point and a dataset point, computed in float64 from the stored values.
 * Every engine (tree, brute force, the peers' adapters in the benchmarks) calls the same code, so they
 * all see identical distances.
 */
public abstract sealed class Metric permits ResidualMetric, EuclideanMetric {
    final Dataset queries;
    final Dataset data;
    final VectorOps ops = Ops.IMPL;

    Metric(Dataset queries, Dataset data) {
        this.queries = queries;
        this.data = data;
    }

    /** Distance from query row {@code q} to dataset point {@code j}. */
    public abstract double distance(long q, long j);

    /**
     * A lower bound on the distance from query {@code q} to any point within {@code radius} of a point at
     * distance {@code dQueryCenter} from {@code q}: the triangle inequality, widened by whatever the
     * stored inputs may lack of being an exact metric, so pruning with it never loses a true neighbour.
     */
    abstract double lowerBound(double dQueryCenter, double radius);

    /** True when queries are the dataset's own points (query row q is point q). */
    public boolean selfQueries() {
        return queries == data;
    }

    /** The dataset searched. */
    public Dataset data() {
        return data;
    }

    /** The query points. */
    public Dataset queries() {
        return queries;
    }
}
