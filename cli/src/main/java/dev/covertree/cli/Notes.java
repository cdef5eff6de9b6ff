package dev.covertree.cli;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the library's log records go in the tool: one line each on stderr ({@code covertree: note: ...}),
 * nothing with {@code --quiet}. The library logs through {@link System.Logger} (for example that OpenBLAS
 * or the vector API was not found and a slower path is used); the JDK's default would print each as a
 * two-line, time-stamped record.
 */
final class Notes {
    /** Held so the configured logger is not collected (loggers are weakly referenced) and reset. */
    private static final Logger LIBRARY = Logger.getLogger("dev.covertree");

    private Notes() {
    }

    /** Sends the library's records to {@code err}, one line each; called once per run of the tool. */
    static void install(PrintWriter err) {
        for (Handler h : LIBRARY.getHandlers()) {
            LIBRARY.removeHandler(h);
        }
        LIBRARY.setUseParentHandlers(false);
        LIBRARY.setLevel(Level.INFO);
        LIBRARY.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    String kind = r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error" : "note";
                    err.println("covertree: " + kind + ": " + r.getMessage().replace('\n', ' '));
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
            }
        });
    }

    /** With {@code --quiet}: only errors. */
    static void quiet() {
        LIBRARY.setLevel(Level.SEVERE);
    }
}
