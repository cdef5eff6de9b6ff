package dev.covertree.bench;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.prepare.PreparedResidual;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One residual distance (f4 V, float64 arithmetic), Panama kernels against the scalar reference, which a
 * separate fork selects with {@code -Dcovertree.vector=false}. Pairs cycle through 4096 points, so V rows
 * come from cache as they would in a tree's neighbourhood.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DistanceBench {
    @Param({"64", "200", "512"})
    int m;

    private Arena arena;
    private PreparedResidual prepared;
    private Metric metric;
    private int i;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        prepared = PreparedResidual.prepare(RandomPoints.generate("x", 4096, 3, 1, arena), Kernel.of(KernelType.RBF, 1, 1),
                Inducing.random(m, 0), NpyDType.F4, 1);
        Dataset ds = prepared.dataset();
        metric = Metric.of(ds);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        prepared.close();
        arena.close();
    }

    private double next() {
        i = (i + 1) & 4095;
        return metric.distance(i, (i * 2654435761L) & 4095);
    }

    @Benchmark
    @Fork(1)
    public double vector() {
        return next();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dcovertree.vector=false")
    public double scalar() {
        return next();
    }
}
