package dev.covertree.engine.prepare;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Residual inputs made from coordinates and a kernel, ready for the engine: one call from coordinates,
 * kernel and an inducing choice to a {@link Dataset}. Owns V and p (off-heap); {@link #queries} makes
 * the inputs of query points from the same inducing points.
 *
 * <pre>{@code
 * try (PreparedResidual r = PreparedResidual.prepare(coords, Kernel.of(KernelType.RBF, 1, 1),
 *                                                    Inducing.random(512, 0), NpyDType.F4, threads);
 *      KnnResult nn = Knn.search(Metric.of(r.dataset()), QuerySet.allPoints(r.dataset().size()),
 *                                KnnOptions.of(50).withPredecessor(true))) {
 *     ...
 * }
 * }</pre>
 */
public final class PreparedResidual implements AutoCloseable {
    private final ResidualBasis basis;
    private final boolean ownsBasis;
    private final Arena arena;
    private final Dataset dataset;

    private PreparedResidual(ResidualBasis basis, boolean ownsBasis, Matrix coords, NpyDType vType, int threads,
                             String vName, String pName) {
        long n = coords.rows();
        int m = basis.inducing();
        this.basis = basis;
        this.ownsBasis = ownsBasis;
        this.arena = Arena.ofShared();
        try {
            MemorySegment v = allocate(n * m * vType.itemSize());
            MemorySegment p = allocate(n * 8);
            basis.compute(coords, v, vType, p, threads, null);
            this.dataset = Dataset.residual(coords, new Matrix(vName, v, vType, n, m),
                    new Matrix(pName, p, NpyDType.F8, n, 1), basis.kernel());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private MemorySegment allocate(long bytes) {
        return arena.allocate(Math.max(1, bytes), 64).asSlice(0, bytes);
    }

    /** Chooses inducing points, builds V (stored as {@code vType}) and p for every point of {@code coords}. */
    public static PreparedResidual prepare(Matrix coords, Kernel kernel, Inducing inducing, NpyDType vType, int threads) {
        ResidualBasis basis = ResidualBasis.build(kernel, coords, inducing);
        try {
            return new PreparedResidual(basis, true, coords, vType, threads, "V", "p");
        } catch (RuntimeException e) {
            basis.close();
            throw e;
        }
    }

    /**
     * Query points given by coordinates: their V rows and p from this dataset's inducing
     * points. Query with {@code Metric.of(dataset(), result.dataset())} and {@link QuerySet#external}; close
     * the result before this object.
     */
    public PreparedResidual queries(Matrix queryCoords, int threads) {
        return fromBasis(basis, queryCoords, dataset.v().dtype(), threads);
    }

    /**
     * V and p of {@code coords} from an existing basis (which the result does not own or close), for
     * example query points of a dataset whose V was made elsewhere with the same inducing ids.
     */
    public static PreparedResidual fromBasis(ResidualBasis basis, Matrix coords, NpyDType vType, int threads) {
        return new PreparedResidual(basis, false, coords, vType, threads, coords.name() + " (V)", coords.name() + " (p)");
    }

    /** The dataset over the prepared inputs. */
    public Dataset dataset() {
        return dataset;
    }

    /** The inducing points and the factor of their kernel matrix. */
    public ResidualBasis basis() {
        return basis;
    }

    /** Frees V, p, and the basis when this object made it. */
    @Override
    public void close() {
        dataset.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
        if (ownsBasis) {
            basis.close();
        }
    }
}
