package dev.covertree.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a command runs: threads, progress, telemetry, overwriting. */
final class RunOptions {
    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all cores).")
    Integer threads;

    // a field, not a setter that quiets the notes: picocli resets fields before each parse, and a worker
    // parses many requests with one command object (Main turns the notes down from the parse result)
    @Option(names = "--quiet", description = "Only errors: no progress, notes or summary.")
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

    /** Where the command's summary goes: standard output, or nowhere with --quiet. */
    PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return quiet ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getOut();
    }

    Telemetry telemetry() {
        return new Telemetry(telemetry);
    }

    /** A file a command reads or writes, and the flag that named it. */
    record FileArg(String flag, Path path) {
    }

    /**
     * Refuses, before any work, each output that exists (without --force) or whose folder is missing, two
     * outputs on one file, and an output that is one of the inputs, --force or not: nothing the user gave
     * is overwritten. Null paths (options not given) are skipped.
     */
    void checkOutputs(List<FileArg> outputs, List<FileArg> inputs) {
        for (int i = 0; i < outputs.size(); i++) {
            FileArg o = outputs.get(i);
            if (o.path() == null) {
                continue;
            }
            for (FileArg in : inputs) {
                if (in.path() != null && sameFile(o.path(), fileOf(in.path()))) {
                    throw new UsageException(o.flag() + " " + o.path() + " is also " + in.flag()
                            + ": an output may not overwrite an input");
                }
            }
            for (int j = 0; j < i; j++) {
                FileArg other = outputs.get(j);
                if (other.path() != null && sameFile(o.path(), other.path())) {
                    throw new UsageException(other.flag() + " and " + o.flag() + " are both " + o.path()
                            + ": each output needs a file of its own");
                }
            }
            checkOutput(o.path(), o.flag());
        }
    }

    /** The file an array argument lives in: {@code FILE.npz:KEY} names an entry of {@code FILE.npz}. */
    static Path fileOf(Path spec) {
        String s = spec.toString();
        int at = s.lastIndexOf(".npz:");
        return at >= 0 && !Files.exists(spec) ? Path.of(s.substring(0, at + 4)) : spec;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Refuses, before any work, an output that exists (without --force) or whose folder is missing. */
    private void checkOutput(Path out, String flag) {
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
