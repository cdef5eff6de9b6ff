package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.covertree.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the command-line tool in-process, as a user would type it. */
final class Cli {
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Run ok(List<String> args) {
        Run r = run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r);
        return r;
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> r = new ArrayList<>(a);
        r.addAll(List.of(b));
        return r;
    }

    /** Fails unless the two runs' output files (prefix-i.npy, prefix-d.npy) hold the same bytes. */
    static void sameFiles(Path dir, String a, String b, String what) throws java.io.IOException {
        assertEquals(-1, Files.mismatch(dir.resolve(a + "-i.npy"), dir.resolve(b + "-i.npy")), what + ": indices differ");
        assertEquals(-1, Files.mismatch(dir.resolve(a + "-d.npy"), dir.resolve(b + "-d.npy")), what + ": distances differ");
    }

    /** The output options of a run named {@code tag} in {@code dir}. */
    static List<String> outputs(Path dir, String tag) {
        return List.of("--out-indices", dir.resolve(tag + "-i.npy").toString(), "--out-distances",
                dir.resolve(tag + "-d.npy").toString(), "--quiet");
    }

    /** The reference case {@code name} beside the repository, or null when this checkout has none. */
    static Path reference(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/reference").resolve(name);
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        return null;
    }
}
