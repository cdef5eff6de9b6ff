package dev.covertree.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code covertree} command. Exit codes: 0 success, 2 usage error, 3 bad input data, 1 anything else.
 * Errors are one line naming the file or flag; {@code --debug} adds the Java stack trace.
 */
@Command(name = "covertree", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Exact k-nearest neighbours under the residual-correlation (Vecchia / VIF) and Euclidean "
                + "metrics, with a cover tree over off-heap, memory-mapped NumPy arrays.",
        commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {
    /** The built-in commands, in the order help lists them (plugins follow, then help). */
    private static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, KnnCommand.class, PrepareCommand.class,
            BuildCommand.class, GenerateCommand.class, NpyCommand.class, ServeCommand.class);

    /** Exit code for a bad command line. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for input data that cannot be used (unreadable file, wrong dtype or shape, NaN...). */
    public static final int EXIT_BAD_INPUT = 3;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the Java stack trace of an error.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see --help)");
    }

    /** Runs the tool and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool in-process (for tests and embedding) and returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, null);
    }

    /**
     * Runs one command; for a worker's request ({@code worker} not null) {@code knn} takes its inputs and plans
     * from the worker's cache and leaves them there, on the command line the worker keeps.
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, WorkerCommands worker) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == KnnCommand.class && worker != null ? type.cast(new KnnCommand(worker.cache(), worker::cancellation))
                        : CommandLine.defaultFactory().create(type);
            }
        };
        String named = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        CommandLine kept = worker == null ? null : worker.kept(named, () -> commandLine(factory, named));
        CommandLine cl = kept != null ? kept : commandLine(factory, named);
        cl.setOut(out);
        cl.setErr(err);
        Notes.install(err);
        cl.setExitCodeExceptionMapper(ErrorReport::exitCode);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("covertree: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            boolean debug = java.util.Arrays.asList(parsed.originalArgs().toArray()).contains("--debug");
            return ErrorReport.report(e, err, debug);
        });
        cl.setExecutionStrategy(parsed -> {
            // --quiet anywhere on the line turns the library's notes down to errors, for this run
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                if (p.hasMatchedOption("--quiet")) {
                    Notes.quiet();
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        try {
            CommandLine.ParseResult parsed = worker == null ? null : worker.keptParse(cl, args);
            int code = parsed != null ? executeParsed(cl, parsed, args) : cl.execute(args);
            if (worker != null) {
                worker.ran(cl, args, code);
            }
            return code;
        } catch (InternalError e) {
            // how the JVM reports a fault in a memory-mapped file: another process truncated or rewrote it mid-run
            if (e.getMessage() == null || !e.getMessage().contains("unsafe memory access")) {
                throw e;
            }
            err.println("covertree: a memory-mapped file became unreadable during the run: was an input truncated or "
                    + "rewritten by another process, or an output's disk full? (no output was committed)");
            err.flush();
            return EXIT_BAD_INPUT;
        } catch (OutOfMemoryError e) {
            // the big arrays live off the heap; what ran out holds per-point bookkeeping (an ordering's heap,
            // a job's query ids), which grows with N
            err.println("covertree: out of memory (" + e.getMessage() + "): give the JVM more, e.g. "
                    + "COVERTREE_JAVA_OPTS=-Xmx8g (no output was committed)");
            err.flush();
            return 1;
        }
    }

    /**
     * What {@link CommandLine#execute} does after its parse, for a parse made earlier ({@link WorkerCommands#keptParse}):
     * the same execution strategy and exception handlers.
     */
    private static int executeParsed(CommandLine cl, CommandLine.ParseResult parsed, String[] args) {
        try {
            try {
                return cl.getExecutionStrategy().execute(parsed);
            } catch (CommandLine.ParameterException e) {
                return cl.getParameterExceptionHandler().handleParseException(e, args);
            } catch (CommandLine.ExecutionException e) {
                Exception cause = e.getCause() instanceof Exception c ? c : e;
                return cl.getExecutionExceptionHandler().handleExecutionException(cause, e.getCommandLine(), parsed);
            }
        } catch (Exception e) {
            // the handlers set in run report and return an exit code; none throws
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tool's command line with its subcommands: only the one named ({@code named}, the command line's
     * first word) when it is a command (picocli builds each command's model from its annotations, which costs
     * more than a short request's work in a worker); every command otherwise, so that help and usage errors
     * list them all. Enum options (--metric, --kernel, --engine) accept any case; help lists them as typed.
     */
    private static CommandLine commandLine(CommandLine.IFactory factory, String named) {
        CommandLine cl = new CommandLine(new Main(), factory);
        List<CommandPlugin> plugins = Plugins.ALL;
        boolean one = named != null && (COMMANDS.stream().anyMatch(c -> c.getAnnotation(Command.class).name().equals(named))
                || plugins.stream().anyMatch(p -> p.name().equals(named)));
        try {
            for (Class<?> c : COMMANDS) {
                String name = c.getAnnotation(Command.class).name();
                if (!one || named.equals(name)) {
                    cl.addSubcommand(name, factory.create(c));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the command objects", e);
        }
        for (CommandPlugin plugin : plugins) {
            if (!one || named.equals(plugin.name())) {
                cl.addSubcommand(plugin.name(), plugin.newCommand());
            }
        }
        if (!one) {
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * The plugins on the class path, looked up once per JVM: a worker runs many commands, and the lookup
     * reads every jar's service files.
     */
    private static final class Plugins {
        static final List<CommandPlugin> ALL = ServiceLoader.load(CommandPlugin.class).stream()
                .map(ServiceLoader.Provider::get).toList();
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"covertree " + p.getProperty("version", "unknown") + " (Java "
                    + Runtime.version() + ", " + System.getProperty("os.arch") + ")"};
        }
    }
}
