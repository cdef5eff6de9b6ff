package dev.covertree.cli;

import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyHeader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code covertree npy ...}: looking at NumPy files. */
@Command(name = "npy", mixinStandardHelpOptions = true, description = "Inspect NumPy .npy files.",
        subcommands = {NpyCommand.Info.class})
final class NpyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (see --help)");
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print the header of .npy files: format version, dtype, byte and memory order, shape, "
                    + "where the data starts, whether it can be memory-mapped without a copy, and how long opening took.")
    static final class Info implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "The .npy files.")
        List<Path> files;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (Path f : files) {
                NpyHeader h = Npy.header(f);
                long t0 = System.nanoTime();
                try (NpyArray a = Npy.open(f)) {
                    long openNs = System.nanoTime() - t0;
                    out.printf("%s%n  format %d.0, dtype %s (%s), %s order, shape %s, %d elements%n"
                                    + "  data at byte %d, %d bytes, %s, alignment %d%n  opened in %.3f ms%n",
                            f, h.version(), h.dtype().code(), h.byteOrder(), h.fortranOrder() ? "Fortran" : "C",
                            a.shapeString(), a.size(), h.dataOffset(), h.dataBytes(),
                            a.isMapped() ? "memory-mapped (no copy)" : "converted to native C order (copied)",
                            a.alignment(), openNs / 1e6);
                }
            }
            return 0;
        }
    }
}
