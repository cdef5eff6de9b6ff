package dev.covertree.spark;

import dev.covertree.engine.Matrix;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyReadOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A {@code .npy} file on a file system every executor mounts, mapped whole; rows are views of the mapping. */
final class MappedRows implements RowSource {
    private final NpyArray array;
    private final Matrix all;

    private MappedRows(NpyArray array, String name) {
        this.array = array;
        this.all = Matrix.of(name, array);
    }

    static MappedRows open(Path path, String name) throws IOException {
        NpyArray a = Npy.open(path, null, NpyReadOptions.DEFAULT);
        try {
            return new MappedRows(a, name);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    @Override
    public long rows() {
        return all.rows();
    }

    @Override
    public Matrix rows(long from, long to, Arena arena) {
        if (from == 0 && to == all.rows()) {
            return all;
        }
        return new Matrix(all.name() + "[" + from + ":" + to + "]",
                all.segment().asSlice(all.rowOffset(from), all.rowOffset(to) - all.rowOffset(from)), all.dtype(), to - from,
                all.cols());
    }

    @Override
    public Matrix gather(long[] ids, Arena arena) {
        long rowBytes = all.rowOffset(1);
        MemorySegment out = arena.allocate(Math.max(1, rowBytes * ids.length), 64).asSlice(0, rowBytes * ids.length);
        for (int i = 0; i < ids.length; i++) {
            MemorySegment.copy(all.segment(), all.rowOffset(ids[i]), out, i * rowBytes, rowBytes);
        }
        return new Matrix(all.name() + "[ids]", out, all.dtype(), ids.length, all.cols());
    }

    @Override
    public void close() {
        array.close();
    }
}
