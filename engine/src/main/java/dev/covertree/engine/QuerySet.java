package dev.covertree.engine;

/**
 * Which queries to answer: dataset points by id (all of them, or a list), or every row of a separate
 * query dataset.
 */
public final class QuerySet {
    private final long[] ids;
    private final long count;
    private final boolean byId;

    private QuerySet(long[] ids, long count, boolean byId) {
        this.ids = ids;
        this.count = count;
        this.byId = byId;
    }

    /** Every point 0 … n−1 of the dataset as a query (all-points mode). */
    public static QuerySet allPoints(long n) {
        return new QuerySet(null, n, true);
    }

    /** The given dataset ids as queries, in this order; each must be in 0 … n−1. */
    public static QuerySet ids(long[] ids, long n, String name) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= n) {
                throw new InvalidInputException(name + ": id " + ids[i] + " at position " + i + " is not a point id "
                        + "(the dataset has ids 0 to " + (n - 1) + ")");
            }
        }
        return new QuerySet(ids.clone(), ids.length, true);
    }

    /** Rows 0 … count−1 of a separate query dataset (query by coordinates). */
    public static QuerySet external(long count) {
        return new QuerySet(null, count, false);
    }

    /** Number of queries. */
    public long size() {
        return count;
    }

    /** True when queries are dataset points (self-exclusion and predecessor mode apply). */
    public boolean byId() {
        return byId;
    }

    /** True for {@link #allPoints}: query i is point i. */
    boolean isAllPoints() {
        return byId && ids == null;
    }

    /** The query row (in the metric's query set) of query {@code i}. */
    long row(long i) {
        return ids == null ? i : ids[(int) i];
    }
}
