package dev.covertree.spark;

import dev.covertree.engine.Matrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import dev.covertree.engine.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * One input array (N x c, or N for a vector) an executor reads rows of: mapped in place when the file is on
 * a local or shared file system ({@link MappedRows}), read through Hadoop's FileSystem API otherwise
 * ({@link HadoopRows}: HDFS, S3, ...), so only a segment's rows and its queries' rows are fetched.
 */
interface RowSource extends AutoCloseable {
    /** Rows N. */
    long rows();

    /** Rows {@code [from, to)} as a matrix named {@code file[from:to]}, in place where possible, else copied into {@code arena}. */
    Matrix rows(long from, long to, Arena arena) throws IOException;

    /** The rows {@code ids} (each in 0 … N−1), in that order, copied into {@code arena}. */
    Matrix gather(long[] ids, Arena arena) throws IOException;

    @Override
    void close();

    /**
     * Opens {@code location}: a plain path or a {@code file:} URI is mapped; any other scheme (or every
     * location, with {@code throughHadoop}) is read through Hadoop's FileSystem API.
     */
    static RowSource open(String location, boolean throughHadoop) throws IOException {
        URI uri = null;
        if (location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            try {
                uri = new URI(location);
            } catch (URISyntaxException e) {
                throw new InvalidInputException(location + ": not a valid URI (" + e.getReason() + ")");
            }
        }
        if (uri == null || "file".equals(uri.getScheme())) {
            Path path = uri == null ? Path.of(location) : Path.of(uri);
            return throughHadoop ? HadoopRows.open(path.toAbsolutePath().toUri(), location) : MappedRows.open(path, location);
        }
        return HadoopRows.open(uri, location);
    }
}
