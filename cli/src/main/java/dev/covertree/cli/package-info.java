/**
 * The {@code covertree} command-line tool: picocli commands over the engine, progress and telemetry, and
 * the mapping of errors to one-line messages and exit codes (0 success, 1 internal, 2 usage, 3 bad input).
 * Commands from other modules join through {@link dev.covertree.cli.CommandPlugin}.
 */
package dev.covertree.cli;
