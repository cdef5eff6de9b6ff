package dev.covertree.engine;

/**
 * Which queries to answer: dataset points by id (all of them, or a list), or every row of a separate
 * query dataset.
 */
public final class QuerySet {
    private final long[] ids;
    private final long count;
    private final boolean byId;
    private final boolean neighbours;

    private QuerySet(long[] ids, long count, boolean byId, boolean neighbours) {
        this.ids = ids;
        this.count = count;
        this.byId = byId;
        this.neighbours = neighbours;
    }

    /** Every point 0 … n−1 of the dataset as a query (all-points mode). */
    public static QuerySet allPoints(long n) {
        return new QuerySet(null, n, true, false);
    }

    /** The given dataset ids as queries, in this order; each must be in 0 … n−1. */
    public static QuerySet ids(long[] ids, long n, String name) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= n) {
                throw new InvalidInputException(name + ": id " + ids[i] + " at position " + i + " is not a point id "
                        + "(the dataset has ids 0 to " + (n - 1) + ")");
            }
        }
        return new QuerySet(ids.clone(), ids.length, true, false);
    }

    /**
     * The same queries, declared in a spatial order: consecutive queries are near each other (for example
     * sorted along a space-filling curve, or a run of a tree's node order), so that the tree engines search
     * them in groups, as they do all points. The answer is the same either way; only the speed differs
     * (grouping queries that are far apart costs more than searching them one at a time).
     */
    public QuerySet withNeighbours() {
        return new QuerySet(ids, count, byId, true);
    }

    /** Rows 0 … count−1 of a separate query dataset (query by coordinates). */
    public static QuerySet external(long count) {
        return new QuerySet(null, count, false, false);
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
    public boolean isAllPoints() {
        return byId && ids == null;
    }

    /** True when a tree search should take consecutive queries as a group: all points, or {@link #withNeighbours}. */
    public boolean neighbours() {
        return isAllPoints() || neighbours;
    }

    /** The first {@code count} queries, as a set of the same kind. */
    public QuerySet head(int count, long n) {
        long[] first = new long[count];
        for (int i = 0; i < count; i++) {
            first[i] = row(i);
        }
        QuerySet head = byId ? ids(first, n, "the first queries") : new QuerySet(first, count, false, false);
        return neighbours() ? head.withNeighbours() : head;
    }

    /**
     * The ids query row {@code row} may return are below this: the row itself in predecessor mode (the
     * Vecchia ordering), else every one of the {@code n} points.
     */
    public long idLimit(long row, KnnOptions options, long n) {
        return byId && options.predecessor() ? row : n;
    }

    /** The id query row {@code row} may not return: itself, for a query by id that excludes self; else −1. */
    public long excludedId(long row, KnnOptions options) {
        return byId && !options.includeSelf() ? row : -1;
    }

    /**
     * True when query row {@code row} is a dataset point that may be its own neighbour (at distance 0, by
     * definition never computed): queries by id with self included, and in predecessor mode never, as the
     * point is not below its own id. Engines that skip the pair while scanning offer it up front.
     */
    public boolean selfCounts(long row, KnnOptions options, long n) {
        return byId && options.includeSelf() && row < idLimit(row, options, n);
    }

    /** The query row (in the metric's query set) of query {@code i}. */
    public long row(long i) {
        return ids == null ? i : ids[(int) i];
    }
}
