package dev.covertree.spark;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The neighbour lists of one block of consecutive output rows: {@code rows x k} ids and distances, each row
 * sorted by distance then id, missing entries −1 / +∞, as a {@code KnnResult} row is. A task returns the
 * lists of one segment; {@link #merge} combines two segments' lists into the lists over both.
 */
final class NeighbourBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long firstRow;
    private final int rows;
    private final int k;
    private final long[] ids;
    private final double[] distances;

    private NeighbourBlock(long firstRow, int rows, int k, long[] ids, double[] distances) {
        this.firstRow = firstRow;
        this.rows = rows;
        this.k = k;
        this.ids = ids;
        this.distances = distances;
    }

    /** A block with no neighbours yet: every entry −1 / +∞. */
    static NeighbourBlock empty(long firstRow, int rows, int k) {
        long[] ids = new long[rows * k];
        double[] d = new double[rows * k];
        Arrays.fill(ids, -1);
        Arrays.fill(d, Double.POSITIVE_INFINITY);
        return new NeighbourBlock(firstRow, rows, k, ids, d);
    }

    long firstRow() {
        return firstRow;
    }

    int rows() {
        return rows;
    }

    /** Sets row {@code r} (of this block) from a result row whose ids are {@code offset} below the dataset's. */
    void setRow(int r, MemorySegment resultIds, MemorySegment resultDistances, long resultRow, long offset) {
        for (int j = 0; j < k; j++) {
            long id = resultIds.getAtIndex(ValueLayout.JAVA_LONG, resultRow * k + j);
            ids[r * k + j] = id < 0 ? -1 : id + offset;
            distances[r * k + j] = resultDistances.getAtIndex(ValueLayout.JAVA_DOUBLE, resultRow * k + j);
        }
    }

    /** Writes the block's rows at their place in Q x k output arrays (its rows are consecutive output rows). */
    void writeTo(MemorySegment indices, MemorySegment distancesOut) {
        long at = 8 * firstRow * k;
        MemorySegment.copy(ids, 0, indices, ValueLayout.JAVA_LONG, at, ids.length);
        MemorySegment.copy(distances, 0, distancesOut, ValueLayout.JAVA_DOUBLE, at, distances.length);
    }

    /** The ids of row {@code r}. */
    long[] ids(int r) {
        return Arrays.copyOfRange(ids, r * k, (r + 1) * k);
    }

    /** The distances of row {@code r}. */
    double[] distances(int r) {
        return Arrays.copyOfRange(distances, r * k, (r + 1) * k);
    }

    /**
     * The lists over the ids of both blocks (disjoint sets of points, same rows): per row the k first of the
     * two sorted lists, by distance then id. Exact: the k nearest of a union are among the k nearest of
     * each part. The comparison is the engines' own ({@code <} on distances, so −0.0 and 0.0 tie and go by id);
     * padding (+∞, −1) sorts after every real entry, whose distances are finite.
     */
    static NeighbourBlock merge(NeighbourBlock a, NeighbourBlock b) {
        if (a.firstRow != b.firstRow || a.rows != b.rows || a.k != b.k) {
            throw new IllegalStateException("blocks of different rows: " + a.firstRow + "+" + a.rows + " and " + b.firstRow
                    + "+" + b.rows);
        }
        int k = a.k;
        long[] ids = new long[a.ids.length];
        double[] d = new double[a.ids.length];
        for (int r = 0; r < a.rows; r++) {
            int base = r * k;
            int i = 0;
            int j = 0;
            for (int t = 0; t < k; t++) {
                boolean aLeft = i < k && a.ids[base + i] >= 0;
                boolean bLeft = j < k && b.ids[base + j] >= 0;
                if (!aLeft && !bLeft) {
                    ids[base + t] = -1;
                    d[base + t] = Double.POSITIVE_INFINITY;
                    continue;
                }
                boolean takeA = aLeft && (!bLeft || a.distances[base + i] < b.distances[base + j]
                        || (a.distances[base + i] == b.distances[base + j] && a.ids[base + i] < b.ids[base + j]));
                if (takeA) {
                    ids[base + t] = a.ids[base + i];
                    d[base + t] = a.distances[base + i];
                    i++;
                } else {
                    ids[base + t] = b.ids[base + j];
                    d[base + t] = b.distances[base + j];
                    j++;
                }
            }
        }
        return new NeighbourBlock(a.firstRow, a.rows, k, ids, d);
    }
}
