package dev.covertree.cli;

/**
 * A subcommand that lives in another module and joins {@code covertree} when that module is on the class
 * path: the benchmark runner, whose peer libraries (GPL and AGPL) stay off the tool's own class path.
 * Implementations are found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.covertree.cli.CommandPlugin}.
 */
public interface CommandPlugin {
    /** The subcommand's name, as typed after {@code covertree}. */
    String name();

    /** A new instance of the picocli command object (annotated with {@code @Command}). */
    Object newCommand();
}
