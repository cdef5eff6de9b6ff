package dev.covertree.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Progress of one long phase on stderr: a single updating line with an ETA on a terminal, a plain line
 * every few seconds otherwise, nothing with {@code --quiet}. Thread-safe: workers report increments.
 */
public final class Progress implements LongConsumer, AutoCloseable {
    private static final long TERMINAL_NS = 200_000_000L;
    private static final long LOG_NS = 5_000_000_000L;

    private final PrintWriter err;
    private final String phase;
    private final long total;
    private final boolean enabled;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastPrint = new AtomicLong(System.nanoTime());
    private final Cancellation cancellation;
    private boolean closed;

    /** A progress line for {@code phase} of {@code total} steps on {@code err}; nothing at all when {@code quiet}. */
    public Progress(PrintWriter err, String phase, long total, boolean quiet) {
        this(err, phase, total, quiet, Cancellation.NEVER);
    }

    /** As above; a report after {@code cancellation} was cancelled throws, which stops the phase's workers. */
    Progress(PrintWriter err, String phase, long total, boolean quiet, Cancellation cancellation) {
        this.cancellation = cancellation;
        this.err = err;
        this.phase = phase;
        this.total = total;
        this.enabled = !quiet;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    @Override
    public void accept(long increment) {
        cancellation.check();
        long d = done.addAndGet(increment);
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        long last = lastPrint.get();
        if (now - last >= (terminal ? TERMINAL_NS : LOG_NS) && lastPrint.compareAndSet(last, now)) {
            print(d, now, false);
        }
    }

    private synchronized void print(long d, long now, boolean end) {
        double secs = (now - start) / 1e9;
        double frac = total == 0 ? 1 : (double) d / total;
        String eta = frac > 0 && !end ? String.format(", ETA %.0fs", secs / frac - secs) : "";
        String line = String.format("%s: %d/%d (%.0f%%) %.1fs%s", phase, d, total, 100 * frac, secs, eta);
        if (terminal) {
            err.print("\r" + line + "\u001b[K" + (end ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Prints the final line when the phase did something and took long enough to have shown progress. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long now = System.nanoTime();
        if (enabled && done.get() > 0 && (terminal || now - start >= LOG_NS)) {
            print(done.get(), now, true);
        }
    }
}
