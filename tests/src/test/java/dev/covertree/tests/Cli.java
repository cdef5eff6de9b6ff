package dev.covertree.tests;

import dev.covertree.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

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

    /** Fails the test unless the run exited with 0, printing what it wrote. */
    static void ok(Run r) {
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exit(), r.toString());
    }

    /** {@code a} followed by {@code b}: a base command line with more arguments. */
    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
