package dev.covertree.engine.prepare;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.Matrix;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpzArchive;
import dev.covertree.npy.NpzWriter;
import dev.covertree.npy.PartialFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A model bundle: everything the residual metric was prepared with, in one {@code .npz} that
 * {@code np.load} reads, so that a search never depends on settings retyped by hand. Entries:
 * {@code V} (N x m, f4 or f8), {@code p} (N, f8), {@code inducing_ids} (m, int64), {@code inducing_coords}
 * (m x d, f8), {@code kernel} (the kernel's name as ASCII bytes, uint8), {@code variance} (1, f8),
 * {@code lengthscale} (1 or d, f8), {@code seed} (1, int64) and {@code format_version} (1, int64).
 * Entries are stored, not deflated, so V maps in place however large it is.
 *
 * <p>An opened bundle maps its file; its arrays live until it is closed.
 */
public final class ResidualModel implements AutoCloseable {
    /** The {@code format_version} this class writes and reads. */
    public static final long FORMAT_VERSION = 1;

    private final String source;
    private final NpzArchive archive;
    private final Kernel kernel;
    private final Matrix v;
    private final Matrix p;
    private final long[] inducingIds;
    private final Matrix inducingCoords;
    private final long seed;

    private ResidualModel(String source, NpzArchive archive, Kernel kernel, Matrix v, Matrix p, long[] inducingIds,
                          Matrix inducingCoords, long seed) {
        this.source = source;
        this.archive = archive;
        this.kernel = kernel;
        this.v = v;
        this.p = p;
        this.inducingIds = inducingIds;
        this.inducingCoords = inducingCoords;
        this.seed = seed;
    }

    /**
     * Writes a bundle under a temporary name and renames it into place when complete.
     *
     * @param coords the coordinates V was made from (the inducing points' rows are copied from them)
     */
    public static void write(Path path, boolean overwrite, Kernel kernel, Matrix v, Matrix p, long[] inducingIds,
                             Matrix coords, long seed) throws IOException {
        if (v.rows() != p.rows() || inducingIds.length != v.cols() || p.cols() != 1) {
            throw new IllegalArgumentException("V is " + v.rows() + " x " + v.cols() + ", p has " + p.rows() + " x "
                    + p.cols() + " values and there are " + inducingIds.length + " inducing ids");
        }
        Path temp = PartialFiles.createBeside(path);
        try (Arena arena = Arena.ofConfined()) {
            int d = (int) coords.cols();
            MemorySegment u = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, (long) inducingIds.length * d))
                    .asSlice(0, 8L * inducingIds.length * d);
            for (int r = 0; r < inducingIds.length; r++) {
                for (int k = 0; k < d; k++) {
                    u.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * d + k, coords.get(inducingIds[r], k));
                }
            }
            try (NpzWriter w = NpzWriter.create(temp, false, true)) {
                w.add("V", v.segment(), v.dtype(), v.rows(), v.cols());
                w.add("p", p.segment(), p.dtype(), p.rows());
                w.add("inducing_ids", longs(arena, inducingIds), NpyDType.I8, inducingIds.length);
                w.add("inducing_coords", u, NpyDType.F8, inducingIds.length, d);
                byte[] name = kernel.type().cliName().getBytes(StandardCharsets.US_ASCII);
                w.add("kernel", MemorySegment.ofArray(name), NpyDType.U1, name.length);
                w.add("variance", doubles(arena, kernel.variance()), NpyDType.F8, 1);
                double[] l = kernel.lengthscale();
                w.add("lengthscale", doubles(arena, l), NpyDType.F8, l.length);
                w.add("seed", longs(arena, seed), NpyDType.I8, 1);
                w.add("format_version", longs(arena, FORMAT_VERSION), NpyDType.I8, 1);
            }
            PartialFiles.commit(temp, path, overwrite);
        } catch (IOException | RuntimeException e) {
            PartialFiles.discard(temp);
            throw e;
        }
    }

    /** Opens a bundle; every entry is checked for presence, dtype and shape. */
    public static ResidualModel open(Path path) throws IOException {
        String src = path.toString();
        NpzArchive a = NpzArchive.open(path);
        try {
            long version = scalarLong(a, src, "format_version");
            if (version != FORMAT_VERSION) {
                throw new InvalidInputException(src + ": model bundle format " + version + ", this version reads "
                        + FORMAT_VERSION + " (prepare the model again)");
            }
            Matrix v = Matrix.of(src + ":V", entry(a, src, "V"));
            Matrix p = Matrix.of(src + ":p", entry(a, src, "p"));
            NpyArray kernelName = entry(a, src, "kernel");
            byte[] name = new byte[(int) kernelName.size()];
            for (int i = 0; i < name.length; i++) {
                name[i] = (byte) kernelName.getLong(i);
            }
            KernelType type = KernelType.fromName(new String(name, StandardCharsets.US_ASCII), src + ":kernel");
            NpyArray ls = entry(a, src, "lengthscale");
            double[] l = new double[(int) ls.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = ls.getDouble(i);
            }
            Kernel kernel = new Kernel(type, scalarDouble(a, src, "variance"), l);
            NpyArray idsArray = entry(a, src, "inducing_ids");
            long[] ids = new long[(int) idsArray.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = idsArray.getLong(i);
            }
            Matrix u = Matrix.of(src + ":inducing_coords", entry(a, src, "inducing_coords"));
            if (ids.length != v.cols() || u.rows() != ids.length || p.rows() != v.rows()) {
                throw new InvalidInputException(src + ": the entries disagree: V is " + v.rows() + " x " + v.cols() + ", p has "
                        + p.rows() + " values, " + ids.length + " inducing ids, inducing_coords " + u.rows() + " x " + u.cols());
            }
            return new ResidualModel(src, a, kernel, v, p, ids, u, scalarLong(a, src, "seed"));
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /**
     * The residual dataset of {@code coords} with this bundle's V, p and kernel, after checking that
     * {@code coords} are the points the bundle was prepared from (row count, dimension, and the inducing
     * points' coordinates).
     */
    public Dataset dataset(Matrix coords) {
        if (coords.rows() != v.rows() || coords.cols() != inducingCoords.cols()) {
            throw new InvalidInputException(coords.name() + " is " + coords.rows() + " x " + coords.cols() + " but " + source
                    + " was prepared from " + v.rows() + " x " + inducingCoords.cols() + " coordinates");
        }
        for (int r = 0; r < inducingIds.length; r++) {
            for (int k = 0; k < coords.cols(); k++) {
                if (coords.get(inducingIds[r], k) != inducingCoords.get(r, k)) {
                    throw new InvalidInputException(coords.name() + " are not the coordinates " + source + " was prepared from: "
                            + "inducing point " + inducingIds[r] + " differs in coordinate " + k);
                }
            }
        }
        return Dataset.residual(coords, v, p, kernel);
    }

    /** The kernel V and p were made with. */
    public Kernel kernel() {
        return kernel;
    }

    /** V, N x m. */
    public Matrix v() {
        return v;
    }

    /** p, N values. */
    public Matrix p() {
        return p;
    }

    /** The inducing points as dataset ids. */
    public long[] inducingIds() {
        return inducingIds.clone();
    }

    /** The seed the inducing points were chosen with (0 when they were given as ids). */
    public long seed() {
        return seed;
    }

    /** Releases the mapped file. */
    @Override
    public void close() {
        archive.close();
    }

    private static NpyArray entry(NpzArchive a, String src, String name) throws IOException {
        if (!a.names().contains(name)) {
            throw new InvalidInputException(src + " is not a model bundle: it has no '" + name + "' (entries: " + a.names()
                    + "); make one with 'prepare --out-model'");
        }
        return a.get(name);
    }

    private static long scalarLong(NpzArchive a, String src, String name) throws IOException {
        NpyArray x = entry(a, src, name);
        if (x.size() != 1 || x.dtype().isFloating()) {
            throw new InvalidInputException(src + ":" + name + " must be one integer, got " + x.dtype().code() + " " + x.shapeString());
        }
        return x.getLong(0);
    }

    private static double scalarDouble(NpzArchive a, String src, String name) throws IOException {
        NpyArray x = entry(a, src, name);
        if (x.size() != 1 || !x.dtype().isFloating()) {
            throw new InvalidInputException(src + ":" + name + " must be one float, got " + x.dtype().code() + " " + x.shapeString());
        }
        return x.getDouble(0);
    }

    private static MemorySegment longs(Arena arena, long... values) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, values.length)).asSlice(0, 8L * values.length);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_LONG, 0, values.length);
        return s;
    }

    private static MemorySegment doubles(Arena arena, double... values) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, values.length)).asSlice(0, 8L * values.length);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_DOUBLE, 0, values.length);
        return s;
    }

    @Override
    public String toString() {
        return source + " (" + kernel + ", N = " + v.rows() + ", m = " + v.cols() + ", V " + v.dtype().code() + ", seed "
                + seed + ", inducing " + Arrays.stream(inducingIds).limit(3).boxed().toList() + (inducingIds.length > 3 ? "..." : "")
                + ")";
    }
}
