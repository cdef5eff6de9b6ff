package dev.covertree.spark;

import dev.covertree.engine.InvalidInputException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A Parquet table's folder at any Hadoop location (a local path, {@code hdfs://}, {@code s3a://}), written
 * under a temporary name beside it and moved into place by {@link #commit} once complete; closing removes
 * what an unfinished write left.
 */
final class TableOutput implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path temporary;
    private final boolean replace;
    private final String name;

    private TableOutput(FileSystem fs, Path target, boolean replace, String name) {
        this.fs = fs;
        this.target = target;
        this.temporary = new Path(target.getParent(), target.getName() + ".partial-" + ProcessHandle.current().pid());
        this.replace = replace;
        this.name = name;
    }

    /** Refuses an existing table unless {@code replace}, before any work. */
    static TableOutput open(String location, Configuration conf, boolean replace) throws IOException {
        Path target = new Path(location);
        FileSystem fs = target.getFileSystem(conf);
        if (fs.exists(target) && !replace) {
            throw new InvalidInputException(location + " exists; pass --force to replace it");
        }
        if (target.getParent() == null || !fs.exists(target.getParent())) {
            throw new InvalidInputException(location + ": its folder does not exist");
        }
        return new TableOutput(fs, fs.makeQualified(target), replace, location);
    }

    /** Where the table is written until it is complete. */
    String temporary() {
        return temporary.toString();
    }

    /** Moves the complete table into place, replacing an older one. */
    void commit() throws IOException {
        if (fs.exists(target)) {
            if (!replace) {
                throw new InvalidInputException(name + " appeared while the job ran; not replaced");
            }
            fs.delete(target, true);
        }
        if (!fs.rename(temporary, target)) {
            throw new IOException(name + ": could not move the table from " + temporary + " into place");
        }
    }

    @Override
    public void close() throws IOException {
        if (fs.exists(temporary)) {
            fs.delete(temporary, true);
        }
    }
}
