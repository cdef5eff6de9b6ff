package dev.covertree.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * What a worker keeps of the tool between requests besides the inputs: the command line of {@code knn}, the
 * request it serves over and over, built once. Picocli builds a command's model from its annotations by
 * reflection, which in a worker's early requests (code not yet compiled) cost more than the request's own
 * work; parsing again resets every option field to its initial value, so one model serves every request.
 * Requests run one at a time ({@link ServeCommand}), each with its own cancellation.
 */
final class WorkerCommands {
    private final InputsCache cache;
    private volatile Cancellation current = Cancellation.NEVER;
    private CommandLine knn;
    /** The kept command's last successful command line and its parse, while its option fields hold that parse's values. */
    private String[] parsedLine;
    private CommandLine.ParseResult parsed;

    WorkerCommands(InputsCache cache) {
        this.cache = cache;
    }

    /** Runs one request's command; it stops when {@code cancellation} is cancelled. */
    int run(String[] args, PrintWriter out, PrintWriter err, Cancellation cancellation) {
        current = cancellation;
        try {
            return Main.run(args, out, err, this);
        } finally {
            current = Cancellation.NEVER;
        }
    }

    InputsCache cache() {
        return cache;
    }

    /** The running request's cancellation, for the kept knn command. */
    Cancellation cancellation() {
        return current;
    }

    /** The kept command line for {@code name} (made by {@code make} the first time), or null when none is kept. */
    CommandLine kept(String name, Supplier<CommandLine> make) {
        if (!"knn".equals(name)) {
            return null;
        }
        if (knn == null) {
            knn = make.get();
        }
        return knn;
    }

    /**
     * The parse to run {@code args} on: the kept command's last one when its line was the same, else null (and
     * the command line then parses {@code args}, which overwrites the option fields: the last parse is forgotten).
     */
    CommandLine.ParseResult keptParse(CommandLine cl, String[] args) {
        if (cl != knn) {
            return null;
        }
        if (parsed != null && Arrays.equals(args, parsedLine)) {
            return parsed;
        }
        parsed = null;
        parsedLine = null;
        return null;
    }

    /** After {@code cl} ran {@code args} with exit code {@code code}: a successful parse of the kept command is kept. */
    void ran(CommandLine cl, String[] args, int code) {
        if (cl == knn && code == 0 && parsed == null && cl.getParseResult() != null) {
            parsedLine = args.clone();
            parsed = cl.getParseResult();
        }
    }
}
