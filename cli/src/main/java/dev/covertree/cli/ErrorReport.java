package dev.covertree.cli;

import dev.covertree.engine.InvalidInputException;
import dev.covertree.npy.NpyFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import picocli.CommandLine;

/** Turns an exception into the tool's one-line message and exit code. */
final class ErrorReport {
    private ErrorReport() {
    }

    static int exitCode(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof CommandLine.ParameterException || c instanceof UsageException) {
            return Main.EXIT_USAGE;
        }
        if (c instanceof Cancellation.CancelledException) {
            return WorkerProtocol.EXIT_CANCELLED;
        }
        if (c instanceof NpyFormatException || c instanceof InvalidInputException || c instanceof FileSystemException) {
            return Main.EXIT_BAD_INPUT;
        }
        return 1;
    }

    static int report(Throwable t, PrintWriter err, boolean debug) {
        Throwable c = unwrap(t);
        String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        if (c instanceof FileSystemException fse) {
            msg = fse.getFile() + ": " + (fse.getReason() != null ? fse.getReason()
                    : c.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase());
        } else if (exitCode(c) == 1 && !(c instanceof IOException)) {
            msg = "internal error: " + c + (debug ? "" : " (run with --debug for details)");
        }
        err.println("covertree: " + printable(msg.lines().findFirst().orElse("")));
        if (debug) {
            t.printStackTrace(err);
        }
        err.flush();
        return exitCode(c);
    }

    /**
     * The message with control and line-separating characters escaped ({@code \u001d}): the error stays one
     * line for every reader (Python's {@code splitlines} also breaks at 0x1c-0x1e, 0x85, U+2028 and U+2029),
     * whatever bytes a damaged file or a file name put into it.
     */
    static String printable(String msg) {
        StringBuilder sb = new StringBuilder(msg.length());
        for (int i = 0; i < msg.length(); i++) {
            char c = msg.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof UncheckedIOException || c instanceof CommandLine.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
