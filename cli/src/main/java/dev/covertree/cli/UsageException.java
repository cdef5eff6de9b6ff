package dev.covertree.cli;

/** A command line whose options parse but do not make sense together (exit code 2). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
