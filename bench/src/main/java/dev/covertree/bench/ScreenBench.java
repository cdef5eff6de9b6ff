package dev.covertree.bench;

import dev.covertree.engine.internal.vector.KernelShape;
import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.engine.internal.vector.ResidualFormula;
import dev.covertree.engine.internal.vector.ScreenTile;
import dev.covertree.engine.internal.vector.VectorOps;
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
 * The residual brute force's screen ({@link VectorOps#residualScreen}) over one tile of 512 dataset rows for
 * one query, as the gold workload meets it: p ≈ 1e-6, the product's dot products within a few parts in 1e7
 * of the kernel, so |ρ| is small and almost no row survives a bound of 0.5. Panama kernels against the
 * scalar ones (a fork with {@code -Dcovertree.vector=false}); the time per op is 512 pairs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScreenBench {
    private static final int ROWS = 512;
    private static final int SLICE = 128;

    @Param({"RBF", "MATERN32"})
    KernelShape kernel;

    private final VectorOps ops = Ops.IMPL;
    private ScreenTile tile;
    private double[] dots;
    private final double[] qx = new double[3];

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(7);
        tile = new ScreenTile(ROWS, 3, 512);
        dots = new double[ROWS];
        for (int k = 0; k < 3; k++) {
            qx[k] = rnd.nextGaussian();
        }
        for (int i = 0; i < ROWS; i++) {
            double s2 = 0;
            for (int k = 0; k < 3; k++) {
                double x = rnd.nextGaussian();
                tile.setCoordinate(i, k, x);
                s2 = Math.fma(qx[k] - x, qx[k] - x, s2);
            }
            tile.setScales(i, 1e3 * rnd.nextDouble(0.9, 1.1), rnd.nextDouble(0.9, 1.0));
            dots[i] = ResidualFormula.correlation(kernel, s2) + 1e-7 * rnd.nextDouble(-1, 1);
        }
    }

    @Benchmark
    @Fork(1)
    public int vector() {
        return screenTile();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dcovertree.vector=false")
    public int scalar() {
        return screenTile();
    }

    private int screenTile() {
        int kept = 0;
        for (int c0 = 0; c0 < ROWS; c0 += SLICE) {
            kept += ops.residualScreen(kernel, 1.0, tile, c0, SLICE, dots, c0, qx, 1e3, 1.0, 0.5);
        }
        return kept;
    }
}
