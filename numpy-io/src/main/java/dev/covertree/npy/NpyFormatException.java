package dev.covertree.npy;

import java.io.IOException;

/**
 * A file that is not a readable NumPy array: bad magic, unsupported version or dtype, malformed
 * header, truncated data. The message always starts with the file (or archive entry) it is about.
 */
public final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param source the file or archive entry, as the user named it
     *  @param problem what is wrong with it, as one sentence */
    public NpyFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    NpyFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
