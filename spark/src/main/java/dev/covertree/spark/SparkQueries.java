package dev.covertree.spark;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.MetricType;
import dev.covertree.npy.NpyDType;
import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Which queries a {@link SparkKnn} job answers: every point, given point ids, or new points by
 * coordinates. Sent to the executors once (a broadcast), so the ids and points live in the driver's heap
 * first: up to 2^31 − 9 ids, or points whose arrays each fit in 2 GB.
 */
public sealed interface SparkQueries extends Serializable {
    /** Every point is a query; row i of the answer is point i's. */
    static SparkQueries allPoints() {
        return new AllPoints();
    }

    /** The dataset points {@code ids}, in this order; row r of the answer is point {@code ids[r]}'s. */
    static SparkQueries ids(long[] ids) {
        return new Ids(ids.clone());
    }

    /**
     * New points: {@code points}' rows (for the residual metric with their V rows and p, made with the same
     * inducing points and kernel as the dataset's), copied now.
     */
    static SparkQueries points(Dataset points) {
        return Points.of(points);
    }

    /** Every point. */
    record AllPoints() implements SparkQueries {
    }

    /**
     * Given point ids.
     *
     * @param ids the ids, each in 0 … N−1
     */
    record Ids(long[] ids) implements SparkQueries {
    }

    /** New points given by their arrays (row-major bytes, native order). */
    final class Points implements SparkQueries {
        private static final long serialVersionUID = 1L;
        private final MetricType metric;
        private final long rows;
        private final Array coords;
        private final Array v;
        private final Array p;

        private record Array(byte[] bytes, NpyDType dtype, long cols) implements Serializable {
            static Array of(Matrix m) {
                if (m.segment().byteSize() > Integer.MAX_VALUE - 8) {
                    throw new InvalidInputException(m.name() + ": " + m.segment().byteSize() + " bytes of query points are "
                            + "more than one broadcast holds (2 GB); split the queries");
                }
                return new Array(m.segment().toArray(ValueLayout.JAVA_BYTE), m.dtype(), m.cols());
            }

            Matrix rows(String name, long[] rows, Arena arena) {
                long rowBytes = cols * dtype.itemSize();
                MemorySegment s = arena.allocate(Math.max(1, rows.length * rowBytes), 64).asSlice(0, rows.length * rowBytes);
                MemorySegment all = MemorySegment.ofArray(bytes);
                for (int i = 0; i < rows.length; i++) {
                    MemorySegment.copy(all, rows[i] * rowBytes, s, i * rowBytes, rowBytes);
                }
                return new Matrix(name, s, dtype, rows.length, cols);
            }
        }

        private Points(MetricType metric, long rows, Array coords, Array v, Array p) {
            this.metric = metric;
            this.rows = rows;
            this.coords = coords;
            this.v = v;
            this.p = p;
        }

        static Points of(Dataset d) {
            boolean residual = d.metricType() == MetricType.RESIDUAL;
            return new Points(d.metricType(), d.size(), Array.of(d.coords()), residual ? Array.of(d.v()) : null,
                    residual ? Array.of(d.p()) : null);
        }

        /** Number of points. */
        public long size() {
            return rows;
        }

        /** The metric the points were prepared for. */
        public MetricType metric() {
            return metric;
        }

        /** The coordinates of rows {@code rows}, copied into {@code arena}. */
        Matrix coords(long[] rows, Arena arena) {
            return coords.rows("query coords", rows, arena);
        }

        /** Rows {@code rows} (in that order) as a dataset, their arrays copied into {@code arena}. */
        Dataset rows(long[] rows, Kernel kernel, Arena arena) {
            Matrix x = coords.rows("query coords", rows, arena);
            return v == null ? Dataset.euclidean(x)
                    : Dataset.residual(x, v.rows("query V", rows, arena), p.rows("query p", rows, arena), kernel);
        }
    }
}
