package dev.covertree.cli;

/**
 * Whether the caller of a running command has gone: a worker's client closed its connection (Ctrl-C, or the
 * process ended). Long phases look at it through their {@link Progress} and stop with
 * {@link CancelledException}; their outputs are then never committed.
 */
final class Cancellation {
    /** A command run from the command line: nobody cancels it (Ctrl-C ends the whole JVM). */
    static final Cancellation NEVER = new Cancellation();

    private volatile boolean cancelled;

    /** Asks the running command to stop at its next progress report. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Throws {@link CancelledException} once {@link #cancel} was called. */
    void check() {
        if (cancelled) {
            throw new CancelledException();
        }
    }

    /** The command stopped because its caller went away. */
    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled: the caller closed the connection", null, false, false);
        }
    }
}
