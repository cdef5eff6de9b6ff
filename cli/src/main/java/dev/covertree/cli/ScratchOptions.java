package dev.covertree.cli;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.ScratchSpace;
import dev.covertree.engine.bounds.BoundsTree;
import dev.covertree.engine.cover.CoverTree;
import dev.covertree.engine.knn.EnginePlan;
import dev.covertree.engine.metric.Metric;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a tree build keeps its big arrays: memory, or memory-mapped temporary files. */
final class ScratchOptions {
    @Option(names = "--scratch", paramLabel = "WHERE", defaultValue = "auto",
            description = "Tree nodes, build scratch and the copy of the data an --order job searches: auto (temporary files when they need more than half of the "
                    + "available memory), memory, or files (default: ${DEFAULT-VALUE}).")
    String scratch;

    @Option(names = "--scratch-dir", paramLabel = "DIR",
            description = "Folder of the temporary files (default: the system temporary folder). They are unlinked "
                    + "as soon as they are mapped, so nothing is left behind, even on Ctrl-C.")
    Path dir;

    /**
     * Builds a tree with this choice of scratch space, as the telemetry phase "build" (its own phase, so the
     * scale benchmark times build and search apart).
     */
    CoverTree build(Dataset ds, int threads, Telemetry tel, boolean quiet, PrintWriter err, String command)
            throws IOException {
        ScratchSpace space = space();
        boolean files = space.usesFiles(CoverTree.buildBytes(ds));
        if (!quiet) {
            err.printf("%s: building the tree (%s) ...%n", command, files ? "scratch in files in " + space.directory() : "in memory");
            err.flush();
        }
        Telemetry.Phase phase = tel.phase("build");
        CoverTree t;
        try (Progress progress = new Progress(err, "build", ds.size(), quiet)) {
            t = CoverTree.build(ds, threads, space, progress);
        }
        phase.count("n", t.size()).count("distance_evaluations", t.buildDistances()).count("scratch", files ? "files" : "memory")
                .end();
        return t;
    }

    /** Builds a bounds tree with this choice of scratch space, as the telemetry phase "build". */
    BoundsTree buildBounds(Dataset ds, int threads, Telemetry tel, boolean quiet, PrintWriter err) throws IOException {
        ScratchSpace space = space();
        boolean files = space.usesFiles(BoundsTree.buildBytes(ds));
        if (!quiet) {
            err.printf("build: building the bounds tree (%s) ...%n", files ? "scratch in files in " + space.directory() : "in memory");
            err.flush();
        }
        Telemetry.Phase phase = tel.phase("build");
        BoundsTree t;
        try (Progress progress = new Progress(err, "build", ds.size(), quiet)) {
            t = BoundsTree.build(ds, threads, space, progress);
        }
        phase.count("n", t.size()).count("scratch", files ? "files" : "memory").end();
        return t;
    }

    /**
     * Decides the engine (building the tree it needs) as the telemetry phase "plan": tree build and AUTO's
     * sample, timed apart from the search.
     */
    EnginePlan plan(Metric metric, QuerySet qs, KnnOptions opt, Telemetry tel, boolean quiet, PrintWriter err,
                    Cancellation cancellation) throws IOException {
        ScratchSpace space = space();
        if (!quiet) {
            err.printf("knn: choosing the engine (%s; a tree, if one is built, %s) ...%n", opt.engine().name().toLowerCase(),
                    space.usesFiles(CoverTree.buildBytes(metric.data())) ? "in files in " + space.directory() : "in memory");
            err.flush();
        }
        Telemetry.Phase phase = tel.phase("plan");
        EnginePlan plan;
        try (Progress progress = new Progress(err, "build", metric.data().size(), quiet, cancellation)) {
            plan = EnginePlan.of(metric, qs, opt, space, progress);
        }
        phase.count("engine", plan.engine().name().toLowerCase()).count("reason", plan.reason());
        if (plan.tree() != null) {
            phase.count("build_seconds", plan.tree().buildSeconds()).count("build_distances", plan.tree().buildDistances())
                    .count("scratch", space.usesFiles(CoverTree.buildBytes(metric.data())) ? "files" : "memory");
        }
        if (plan.boundsTree() != null) {
            phase.count("build_seconds", plan.boundsTree().buildSeconds())
                    .count("scratch", space.usesFiles(BoundsTree.buildBytes(metric.data())) ? "files" : "memory");
        }
        phase.end();
        return plan;
    }

    ScratchSpace space() {
        ScratchSpace.Mode mode;
        try {
            mode = ScratchSpace.Mode.valueOf(scratch.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--scratch: unknown value '" + scratch + "' (expected auto, memory or files)");
        }
        try {
            return ScratchSpace.of(mode, dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir")));
        } catch (InvalidInputException e) {
            throw new UsageException("--scratch-dir: " + e.getMessage());
        }
    }
}
