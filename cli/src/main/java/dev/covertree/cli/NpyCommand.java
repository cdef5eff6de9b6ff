package dev.covertree.cli;

import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyHeader;
import dev.covertree.npy.NpyReadOptions;
import dev.covertree.npy.NpzArchive;
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
                    + "where the data starts, whether it can be memory-mapped without a copy, and how long opening took. "
                    + "For an .npz archive, each of its arrays (FILE.npz:KEY names one).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:success", "1:internal error", "2:usage error", "3:a file is missing or not a readable array"})
    static final class Info implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "The .npy or .npz files.")
        List<Path> files;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (Path f : files) {
                if (f.toString().endsWith(".npz")) {
                    try (NpzArchive archive = NpzArchive.open(f)) {
                        out.printf("%s: .npz archive of %d arrays%n", f, archive.names().size());
                        for (String name : archive.names()) {
                            long t0 = System.nanoTime();
                            NpyArray a = archive.get(name);
                            out.printf("  %s: dtype %s, shape %s, %d elements, %s, opened in %.3f ms%n", name, a.dtype().code(),
                                    a.shapeString(), a.size(), a.isMapped() ? "stored (mapped in place)" : "compressed (inflated)",
                                    (System.nanoTime() - t0) / 1e6);
                        }
                    }
                    continue;
                }
                long t0 = System.nanoTime();
                try (ArrayFile file = ArrayFile.open(f, NpyReadOptions.DEFAULT)) {
                    NpyArray a = file.array();
                    long openNs = System.nanoTime() - t0;
                    if (!RunOptions.fileOf(f).equals(f) || f.toString().endsWith(".npz")) {
                        out.printf("%s%n  dtype %s, shape %s, %d elements, %s%n  opened in %.3f ms%n", file.name(),
                                a.dtype().code(), a.shapeString(), a.size(),
                                a.isMapped() ? "stored (mapped in place)" : "compressed (inflated)", openNs / 1e6);
                        continue;
                    }
                    NpyHeader h = Npy.header(f);
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
