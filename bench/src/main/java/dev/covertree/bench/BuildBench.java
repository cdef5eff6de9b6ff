package dev.covertree.bench;

import dev.covertree.engine.cover.CoverTree;
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

/** Cover-tree construction on a benchmark workload, all cores. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class BuildBench {
    @Param({"euclid-32k", "local-32k"})
    String workload;

    private Arena arena;
    private Workload.Built built;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        built = Workload.named(workload).build(arena, Runtime.getRuntime().availableProcessors());
    }

    @Benchmark
    public long build() {
        try (CoverTree t = CoverTree.build(built.dataset(), Runtime.getRuntime().availableProcessors())) {
            return t.buildDistances();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        built.close();
        arena.close();
    }
}
