package dev.covertree.cli;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.prepare.PreparedResidual;
import dev.covertree.engine.prepare.ResidualModel;
import dev.covertree.engine.prepare.ResidualBasis;
import dev.covertree.npy.AccessHint;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The dataset a command works on, with everything it opened and what was derived from it (orderings,
 * plans with their trees); closing releases it all. A worker keeps one between requests ({@link InputsCache}).
 */
final class Inputs implements AutoCloseable {
    private final Closer opened = new Closer();
    private final Map<String, AutoCloseable> derived = new HashMap<>();
    private long derivedBytes;
    private final DataOptions options;
    private final int threads;
    Dataset dataset;
    private ResidualBasis basis;
    private ResidualModel model;
    String vSource = "";

    private Inputs(DataOptions options, int threads) {
        this.options = options;
        this.threads = threads;
    }

    /** Opens (maps) the arrays and builds the dataset; prepares V and p when they are not given. */
    static Inputs load(DataOptions o, int threads, Telemetry telemetry) throws IOException {
        Inputs in = new Inputs(o, threads);
        try {
            in.open(telemetry);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private void open(Telemetry telemetry) throws IOException {
        MetricType metric = options.metricType();
        // the kernel's default read-ahead: every input is read front to back once by the finite check, and a
        // random-access hint would fault each 4 KiB page of a large V in one by one (seconds per GiB)
        Matrix coords = matrix(options.coords, AccessHint.NORMAL, opened);
        if (metric == MetricType.EUCLIDEAN) {
            if (options.v != null || options.p != null || options.model != null) {
                throw new UsageException((options.model != null ? "--model is" : "--v/--p are")
                        + " for the residual metric, not euclidean");
            }
            dataset = keep(Dataset.euclidean(coords));
            return;
        }
        if (options.model != null) {
            if (options.v != null || options.p != null) {
                throw new UsageException("--model holds V and p: give it instead of --v/--p, not with them");
            }
            model = keep(ResidualModel.open(options.model));
            options.kernel.checkAgainst(model.kernel(), options.model.toString());
            options.inducing.checkAgainst(model, options.model.toString());
            dataset = keep(model.dataset(coords));
            vSource = "from the model bundle " + model;
            return;
        }
        if ((options.v == null) != (options.p == null)) {
            throw new UsageException("give both --v and --p, or neither (then they are prepared from the kernel)");
        }
        var kernel = options.kernel.toKernel();
        if (options.v != null) {
            dataset = keep(Dataset.residual(coords, matrix(options.v, AccessHint.NORMAL, opened), matrix(options.p, AccessHint.NORMAL, opened),
                    kernel));
            vSource = "read from " + options.v;
            return;
        }
        Telemetry.Phase phase = telemetry.phase("prepare");
        PreparedResidual prepared = keep(PreparedResidual.prepare(coords, kernel, options.inducing.toInducing(),
                options.inducing.vType(), threads));
        basis = prepared.basis();
        dataset = prepared.dataset();
        double s = phase.count("n", dataset.size()).count("m", dataset.inducing())
                .count("backend", basis.backend()).end();
        vSource = String.format("prepared (m = %d, %s, %s) in %.2f s", dataset.inducing(), basis.backend(),
                options.inducing.vType().code(), s);
    }

    /**
     * The dataset of query points given by coordinates. The residual metric needs their V rows and p,
     * made from the inducing points: the ones just chosen, or {@code --inducing-ids} when V came from a file.
     */
    Dataset queryPoints(Path file, Closer run) throws IOException {
        Matrix q = matrix(file, AccessHint.SEQUENTIAL, run);
        if (dataset.metricType() == MetricType.EUCLIDEAN) {
            return run.keep(Dataset.euclidean(q));
        }
        if (basis == null) {
            if (model != null) {
                basis = keep(ResidualBasis.build(dataset.kernel(), dataset.coords(), Inducing.ids(model.inducingIds())));
            } else if (!options.inducing.idsGiven()) {
                throw new UsageException("--query-coords with --v/--p needs --inducing-ids (the inducing points V was made "
                        + "with), or give --model instead of --v/--p");
            } else {
                basis = keep(ResidualBasis.build(dataset.kernel(), dataset.coords(), options.inducing.toInducing()));
            }
        }
        if (basis.inducing() != dataset.inducing()) {
            throw new InvalidInputException("--inducing-ids has " + basis.inducing() + " ids but V has " + dataset.inducing()
                    + " columns");
        }
        PreparedResidual prepared = run.keep(preparedQueries(q));
        return prepared.dataset();
    }

    /** Something made from this dataset, made by {@code make} on first use and kept (and closed) with it. */
    @SuppressWarnings("unchecked")
    <T extends AutoCloseable> T derived(String key, IoSupplier<T> make, ToLongFunction<T> bytes) throws IOException {
        T value = (T) derived.get(key);
        if (value == null) {
            value = make.get();
            derived.put(key, keep(value));
            derivedBytes += bytes.applyAsLong(value);
        }
        return value;
    }

    /** Whether {@link #derived} already holds {@code key}. */
    boolean has(String key) {
        return derived.containsKey(key);
    }

    /** Memory this holds: the dataset's arrays (mapped or made) and everything derived from them. */
    long bytes() {
        return derivedBytes + bytesOf(dataset);
    }

    /** The bytes of a dataset's arrays: coordinates, and V and p for the residual metric. */
    static long bytesOf(Dataset ds) {
        long b = ds.coords().segment().byteSize();
        return ds.metricType() == MetricType.RESIDUAL ? b + ds.v().segment().byteSize() + ds.p().segment().byteSize() : b;
    }

    /** A maker that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    private PreparedResidual preparedQueries(Matrix q) {
        return PreparedResidual.fromBasis(basis, q, dataset.v().dtype(), threads);
    }

    /** The array in {@code file}, open as long as {@code owner}. */
    private static Matrix matrix(Path file, AccessHint hint, Closer owner) throws IOException {
        ArrayFile a = owner.keep(ArrayFile.open(file, NpyReadOptions.DEFAULT.withHint(hint)));
        return Matrix.of(a.name(), a.array());
    }

    /** Reads a 1-d array of int64 or int32 ids. */
    static long[] readIds(Path file, String flag) throws IOException {
        try (ArrayFile f = ArrayFile.read(file)) {
            NpyArray a = f.array();
            if (a.ndim() != 1 || a.dtype().isFloating()) {
                throw new InvalidInputException(file + " (" + flag + "): expected a 1-d array of integer ids, got "
                        + a.dtype().code() + " " + a.shapeString());
            }
            if (a.size() > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException(file + ": too many ids");
            }
            long[] ids = new long[(int) a.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = a.getLong(i);
            }
            return ids;
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return opened.keep(resource);
    }

    @Override
    public void close() {
        derived.clear();
        opened.close();
    }

}
