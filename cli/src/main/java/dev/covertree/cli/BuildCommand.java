package dev.covertree.cli;

import dev.covertree.engine.CoverTree;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covertree build}: a cover tree saved to a file that 'knn --tree' maps back. */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build the cover tree of a dataset and save it as a .ctree file. 'knn --tree' memory-maps it "
                + "back with no parsing, after checking it was built from the same data (sizes and a fingerprint)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:bad input data"})
final class BuildCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--out-tree", required = true, paramLabel = "T.ctree", description = "Output: the tree.")
    Path outTree;

    @Mixin
    ScratchOptions scratch = new ScratchOptions();

    @Mixin
    RunOptions run = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        run.checkOutput(outTree, "--out-tree");
        int threads = run.threads();
        Telemetry tel = run.telemetry();
        PrintWriter out = spec.commandLine().getOut();
        try (Inputs in = Inputs.load(data, threads, tel)) {
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
