package dev.covertree.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command runs: threads, progress, telemetry, overwriting. */
final class RunOptions {
    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--telemetry", paramLabel = "run.jsonl",
            description = "Append one JSON object per phase (name, seconds, counts) to this file.")
    Path telemetry;

    @Option(names = "--force", description = "Overwrite output files that exist.")
    boolean force;

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new UsageException("--threads must be >= 1, got " + t);
        }
        return t;
    }

    Telemetry telemetry() {
        return new Telemetry(telemetry);
    }

    /** Refuses, before any work, an output that exists (without --force) or whose folder is missing. */
    void checkOutput(Path out, String flag) {
        if (out == null) {
            return;
        }
        if (Files.isDirectory(out)) {
            throw new UsageException(flag + " " + out + " is a directory, not a file");
        }
        if (Files.exists(out) && !force) {
            throw new UsageException(flag + " " + out + " exists; pass --force to overwrite it");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UsageException(flag + " " + out + ": the folder " + parent + " does not exist");
        }
    }
}
