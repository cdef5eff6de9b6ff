package dev.covertree.npy;

/**
 * How a mapped array is about to be read, passed to the kernel with {@code posix_madvise}. A hint only:
 * where the call is unavailable it does nothing.
 */
public enum AccessHint {
    /** No particular pattern (the kernel's default read-ahead). */
    NORMAL(0),
    /** Random access: read-ahead is wasted, so the kernel turns it down. */
    RANDOM(1),
    /** One pass front to back: aggressive read-ahead, pages dropped early. */
    SEQUENTIAL(2),
    /** The whole range will be needed soon: start reading it now. */
    WILLNEED(3);

    final int posixAdvice;

    AccessHint(int posixAdvice) {
        this.posixAdvice = posixAdvice;
    }
}
