package dev.covertree.bench;

import dev.covertree.engine.internal.linalg.MatrixProduct;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The residual brute force's matrix product alone, at its own shape: a block of {@code rows} query rows times
 * a tile of {@code tile} dataset rows, m = {@code m} columns, through the same {@code cblas_dgemm} downcall,
 * each thread with its own arrays (run with {@code -t 2} for both cores, as the search runs). Flops per op:
 * {@code 2 rows tile m}. What the search could reach if it did nothing but multiply ({@code bench/brute_limit.sh}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ProductBench {
    @Param({"1024"})
    int rows;

    @Param({"512"})
    int tile;

    @Param({"512"})
    int m;

    private MatrixProduct product;
    private double[] a;
    private double[] b;
    private double[] c;

    @Setup(Level.Trial)
    public void setup() {
        product = MatrixProduct.blas();
        if (product == null) {
            throw new IllegalStateException("OpenBLAS (cblas_dgemm) is not available: nothing to measure");
        }
        SplittableRandom rnd = new SplittableRandom(3);
        a = rnd.doubles((long) rows * m, -1, 1).toArray();
        b = rnd.doubles((long) tile * m, -1, 1).toArray();
        c = new double[rows * tile];
    }

    @Benchmark
    public double multiply() {
        product.multiplyTransposed(a, 0, rows, b, tile, m, c, 0, tile);
        return c[0];
    }
}
