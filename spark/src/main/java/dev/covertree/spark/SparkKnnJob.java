package dev.covertree.spark;

import dev.covertree.engine.Engine;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.MetricType;
import java.io.Serializable;

/**
 * A k-NN job for {@link SparkKnn}: where the arrays are (paths or URIs every executor can read: a shared
 * folder, {@code file://}, {@code hdfs://}, {@code s3a://}), the metric and the search options, and how the
 * work is cut. Sent to the executors with every task, so it holds only small values.
 *
 * @param metric      the metric
 * @param coords      coordinates, N x d, f4 or f8
 * @param v           V, N x m (residual), else null
 * @param p           p, N (residual), else null
 * @param kernelType  the kernel V and p were made with (residual), else null
 * @param variance    the kernel's variance (residual)
 * @param lengthscale the kernel's lengthscales (residual), else null
 * @param k           neighbours per query, &gt;= 1
 * @param includeSelf a query point may be its own neighbour
 * @param predecessor query i returns only ids below i
 * @param engine      the engine each segment's index searches with (AUTO chooses per segment; the answer
 *                    does not depend on it)
 * @param checkInputs check each segment's inputs for settings that contradict V and p
 * @param segments    contiguous id segments, one index each, &gt;= 1
 * @param blockRows   queries per task, or 0 to choose from the parallelism
 */
public record SparkKnnJob(MetricType metric, String coords, String v, String p, KernelType kernelType, double variance,
                          double[] lengthscale, int k, boolean includeSelf, boolean predecessor, Engine engine,
                          boolean checkInputs, int segments, int blockRows) implements Serializable {
    private static final long serialVersionUID = 1L;

    public SparkKnnJob {
        if (metric == null || coords == null || engine == null) {
            throw new InvalidInputException("a job needs a metric, coordinates and an engine");
        }
        if (metric == MetricType.RESIDUAL && (v == null || p == null || kernelType == null || lengthscale == null)) {
            throw new InvalidInputException("the residual metric needs V, p and the kernel");
        }
        if (k < 1) {
            throw new InvalidInputException("k must be >= 1, got " + k);
        }
        if (segments < 1) {
            throw new InvalidInputException("segments must be >= 1, got " + segments);
        }
        if (blockRows < 0) {
            throw new InvalidInputException("blockRows must be >= 0, got " + blockRows);
        }
        lengthscale = lengthscale == null ? null : lengthscale.clone();
    }

    /** A residual-metric job over the whole dataset with one segment, the engine chosen per segment. */
    public static SparkKnnJob residual(String coords, String v, String p, Kernel kernel, int k) {
        return new SparkKnnJob(MetricType.RESIDUAL, coords, v, p, kernel.type(), kernel.variance(), kernel.lengthscale(), k,
                false, false, Engine.AUTO, true, 1, 0);
    }

    /** A Euclidean job with one segment, the engine chosen per segment. */
    public static SparkKnnJob euclidean(String coords, int k) {
        return new SparkKnnJob(MetricType.EUCLIDEAN, coords, null, null, null, 0, null, k, false, false, Engine.AUTO, true,
                1, 0);
    }

    /** The kernel (residual), else null. */
    public Kernel kernel() {
        return kernelType == null ? null : new Kernel(kernelType, variance, lengthscale);
    }

    /** The lengthscales (a copy), or null. */
    @Override
    public double[] lengthscale() {
        return lengthscale == null ? null : lengthscale.clone();
    }

    /** The search options of one task: one thread (Spark runs the tasks in parallel). */
    KnnOptions options() {
        return new KnnOptions(k, includeSelf, predecessor, 1, engine, checkInputs);
    }

    /** The same job with predecessor mode on or off. */
    public SparkKnnJob withPredecessor(boolean on) {
        return new SparkKnnJob(metric, coords, v, p, kernelType, variance, lengthscale, k, includeSelf, on, engine,
                checkInputs, segments, blockRows);
    }

    /** The same job with the query point allowed as its own neighbour or not. */
    public SparkKnnJob withIncludeSelf(boolean on) {
        return new SparkKnnJob(metric, coords, v, p, kernelType, variance, lengthscale, k, on, predecessor, engine,
                checkInputs, segments, blockRows);
    }

    /** The same job with another engine. */
    public SparkKnnJob withEngine(Engine e) {
        return new SparkKnnJob(metric, coords, v, p, kernelType, variance, lengthscale, k, includeSelf, predecessor, e,
                checkInputs, segments, blockRows);
    }

    /** The same job with the input checks on or off. */
    public SparkKnnJob withCheckInputs(boolean on) {
        return new SparkKnnJob(metric, coords, v, p, kernelType, variance, lengthscale, k, includeSelf, predecessor, engine,
                on, segments, blockRows);
    }

    /** The same job cut into {@code s} segments. */
    public SparkKnnJob withSegments(int s) {
        return new SparkKnnJob(metric, coords, v, p, kernelType, variance, lengthscale, k, includeSelf, predecessor, engine,
                checkInputs, s, blockRows);
    }

    /** The same job with {@code rows} queries per task (0: chosen from the parallelism). */
    public SparkKnnJob withBlockRows(int rows) {
        return new SparkKnnJob(metric, coords, v, p, kernelType, variance, lengthscale, k, includeSelf, predecessor, engine,
                checkInputs, segments, rows);
    }
}
