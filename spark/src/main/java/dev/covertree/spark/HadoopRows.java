package dev.covertree.spark;

import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Matrix;
import dev.covertree.npy.NpyFormatException;
import dev.covertree.npy.NpyHeader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * A {@code .npy} file read through Hadoop's FileSystem API with positioned reads: the header once, then only
 * the rows asked for, into off-heap memory. The file must be in native (little-endian) C order, as numpy
 * writes it by default; a mapped file may be in any order, a stream is not converted.
 */
final class HadoopRows implements RowSource {
    /** Bytes per positioned read: large enough for object stores, small enough to stay off the heap's way. */
    private static final int CHUNK = 8 << 20;
    private final String name;
    private final FSDataInputStream in;
    private final NpyHeader header;
    private final long rows;
    private final long cols;
    private final long rowBytes;

    private HadoopRows(String name, FSDataInputStream in, NpyHeader header) {
        this.name = name;
        this.in = in;
        this.header = header;
        long[] shape = header.shape();
        if (shape.length != 1 && shape.length != 2) {
            throw new InvalidInputException(name + ": expected a 1-d or 2-d array, got " + shape.length + " dimensions");
        }
        this.rows = shape[0];
        this.cols = shape.length == 2 ? shape[1] : 1;
        this.rowBytes = cols * header.dtype().itemSize();
    }

    static HadoopRows open(URI uri, String name) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = FileSystem.get(uri, configuration());
        long size;
        try {
            size = fs.getFileStatus(path).getLen();
        } catch (FileNotFoundException e) {
            throw new java.nio.file.NoSuchFileException(name, null, "no such file");
        }
        FSDataInputStream in = fs.open(path);
        try {
            byte[] head = new byte[(int) Math.min(size, NpyHeader.PREFIX_BYTES)];
            in.readFully(0, head, 0, head.length);
            NpyHeader h = NpyHeader.parse(MemorySegment.ofArray(head), size, name);
            if (!h.isNativeCOrder()) {
                throw new NpyFormatException(name, "read through Hadoop's FileSystem API it must be a little-endian C-order "
                        + "array (np.ascontiguousarray(a, dtype='<f8')); this one is " + (h.fortranOrder() ? "in Fortran order"
                        : "in byte order " + h.byteOrder()));
            }
            return new HadoopRows(name, in, h);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Hadoop's settings: its own files on the class path, then the job's {@code spark.hadoop.*} entries. */
    private static Configuration configuration() {
        Configuration c = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            SparkConf conf = env.conf();
            for (Tuple2<String, String> e : conf.getAllWithPrefix("spark.hadoop.")) {
                c.set(e._1(), e._2());
            }
        }
        return c;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public Matrix rows(long from, long to, Arena arena) throws IOException {
        MemorySegment out = allocate(to - from, arena);
        read(from * rowBytes, out, 0, (to - from) * rowBytes);
        return new Matrix(name + "[" + from + ":" + to + "]", out, header.dtype(), to - from, cols);
    }

    @Override
    public Matrix gather(long[] ids, Arena arena) throws IOException {
        MemorySegment out = allocate(ids.length, arena);
        int i = 0;
        while (i < ids.length) {
            int run = 1;
            while (i + run < ids.length && ids[i + run] == ids[i] + run && (run + 1) * rowBytes <= CHUNK) {
                run++;
            }
            read(ids[i] * rowBytes, out, i * rowBytes, run * rowBytes);
            i += run;
        }
        return new Matrix(name + "[ids]", out, header.dtype(), ids.length, cols);
    }

    private MemorySegment allocate(long n, Arena arena) {
        return arena.allocate(Math.max(1, n * rowBytes), 64).asSlice(0, n * rowBytes);
    }

    /** Reads {@code bytes} bytes of data from {@code offset} (after the header) into {@code out} at {@code at}. */
    private synchronized void read(long offset, MemorySegment out, long at, long bytes) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, bytes))];
        long done = 0;
        while (done < bytes) {
            int n = (int) Math.min(buf.length, bytes - done);
            in.readFully(header.dataOffset() + offset + done, buf, 0, n);
            MemorySegment.copy(MemorySegment.ofArray(buf), 0, out, at + done, n);
            done += n;
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // a read-only stream: nothing is lost
        }
    }
}
