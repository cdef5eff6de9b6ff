package dev.covertree.bench;

import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
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
 * One whole query batch of a benchmark workload (1024 query ids, or all points), per engine, on all cores.
 * The tree is built once per trial (see {@link BuildBench} for its cost). Divide the time by the number of
 * queries for seconds per query, and {@code -prof gc}'s bytes per op likewise: one op is the whole
 * batch, including its result arrays. Distances per query are printed at the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class QueryBench {
    @Param({"euclid-32k", "local-32k", "gold-32k"})
    String workload;

    @Param({"TREE", "BRUTE", "SCAN"})
    Engine engine;

    @Param({"0"})
    int threads;

    private Arena arena;
    private Workload.Built built;
    private CoverTree tree;
    private EnginePlan plan;
    private QuerySet queries;
    private KnnOptions options;
    private long distances;
    private long runs;

    @Setup(Level.Trial)
    public void setup() {
        Workload w = Workload.named(workload);
        int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        arena = Arena.ofShared();
        built = w.build(arena, t);
        queries = w.querySet();
        options = KnnOptions.of(w.k()).withPredecessor(w.predecessor()).withThreads(t).withEngine(engine);
        if (engine == Engine.TREE) {
            tree = CoverTree.build(built.dataset(), t);
            System.out.printf("%n[%s] tree build %.2f s, %.1f distances per point%n", workload, tree.buildSeconds(),
                    (double) tree.buildDistances() / w.n());
        }
        plan = tree != null ? EnginePlan.withTree(tree) : EnginePlan.of(Metric.of(built.dataset()), queries, options,
                ScratchSpace.auto());
    }

    @Benchmark
    public long search() {
        try (KnnResult r = Knn.search(Metric.of(built.dataset()), queries, options, plan)) {
            distances += r.distanceEvaluations();
            runs++;
            return r.index(0, 0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.printf("%n[%s %s] %.1f distances per query%n", workload, engine,
                (double) distances / runs / queries.size());
        plan.close();
        if (tree != null) {
            tree.close();
        }
        built.close();
        arena.close();
    }
}
