package dev.covertree.cli;

import dev.covertree.engine.Engine;
import dev.covertree.engine.bounds.BoundsTree;
import dev.covertree.engine.cover.CoverTree;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code covertree build}: a cover tree saved to a file that 'knn --tree' maps back. */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build the cover tree (--engine tree, a .ctree file) or the bounds tree (--engine bounds, a .btree "
                + "file) of a dataset and save it. 'knn --tree' memory-maps it back with no parsing, after checking it was "
                + "built from the same data (sizes and a fingerprint)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:bad input data"})
final class BuildCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--out-tree", required = true, paramLabel = "T.ctree|T.btree", description = "Output: the tree.")
    Path outTree;

    @Option(names = "--engine", paramLabel = "tree|bounds", defaultValue = "tree",
            description = "Which tree: tree (the cover tree) or bounds (the k-d tree with structure bounds) "
                    + "(default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Mixin
    ScratchOptions scratch = new ScratchOptions();

    @Mixin
    RunOptions run = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        run.checkOutputs(List.of(new RunOptions.FileArg("--out-tree", outTree)), data.inputs());
        int threads = run.threads();
        Telemetry tel = run.telemetry();
        PrintWriter out = run.out(spec);
        try (Inputs in = Inputs.load(data, threads, tel)) {
            switch (engine) {
                case TREE -> { }
                case BOUNDS -> {
                    try (BoundsTree t = scratch.buildBounds(in.dataset, threads, tel, run.quiet, spec.commandLine().getErr())) {
                        t.save(outTree, run.force);
                        out.printf("build: bounds tree of %d points, %d nodes, %.3f s; wrote %s (%d bytes)%n", t.size(),
                                t.nodeCount(), t.buildSeconds(), outTree, java.nio.file.Files.size(outTree));
                    }
                    return 0;
                }
                case AUTO, BRUTE, SCAN -> throw new UsageException("--engine " + engine + " has no tree to build: tree or bounds");
            }
            try (CoverTree t = scratch.build(in.dataset, threads, tel, run.quiet, spec.commandLine().getErr(), "build")) {
                double s = t.buildSeconds();
                t.save(outTree, run.force);
                out.printf("build: %d points, root level %d, %d distances, %.3f s; wrote %s (%d bytes)%n", t.size(),
                        t.rootLevel(), t.buildDistances(), s, outTree, java.nio.file.Files.size(outTree));
            }
        }
        return 0;
    }
}
