package dev.covertree.bench;

import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.prepare.ResidualBasis;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * Building V (f4) and p for N points, d = 3, RBF, all cores: OpenBLAS/LAPACKE against the pure-Java
 * fallback (a fork with {@code -Dcovertree.blas=java}). The solve is N m² multiply-adds (N m²/2 FMAs of
 * the triangular solve, counted as N m² flops), so GFLOP/s = N m² / seconds / 1e9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class PrepareBench {
    @Param({"262144"})
    int n;

    @Param({"512"})
    int m;

    private Arena arena;
    private Matrix coords;
    private MemorySegment v;
    private MemorySegment p;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        coords = RandomPoints.generate("x", n, 3, 0, arena);
        v = arena.allocate((long) n * m * 4, 64);
        p = arena.allocate((long) n * 8, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private String run() {
        try (ResidualBasis basis = ResidualBasis.build(Kernel.of(KernelType.RBF, 1, 1), coords, Inducing.random(m, 0))) {
            basis.compute(coords, v, NpyDType.F4, p, Runtime.getRuntime().availableProcessors(), null);
            return basis.backend();
        }
    }

    @Benchmark
    @Fork(1)
    public String openblas() {
        return run();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dcovertree.blas=java")
    public String java() {
        return run();
    }
}
