package dev.covertree.engine.internal.vector;

import java.lang.System.Logger.Level;

/**
 * Chooses the kernel implementation once. {@code -Dcovertree.vector=false} forces the scalar one;
 * without {@code --add-modules jdk.incubator.vector} the scalar one is used with one warning.
 */
public final class Ops {
    /** The implementation every engine uses. */
    public static final VectorOps IMPL = choose();
    /** The scalar kernels, whatever {@link #IMPL} is: for short Euclidean jobs ({@link #forEuclidean}). */
    private static final VectorOps SCALAR = IMPL instanceof ScalarOps ? IMPL : new ScalarOps();
    /** Up to this many points a Euclidean metric in few dimensions takes the scalar kernels ({@link #forEuclidean}). */
    static final long SHORT_EUCLIDEAN = 1L << 19;
    private static volatile boolean manyJobs;

    private Ops() {
    }

    /**
     * The kernels of a Euclidean metric over {@code points} points (or query rows, the more of the two) in
     * {@code dim} dimensions. Below
     * {@link VectorOps#plainBelow} dimensions every Euclidean kernel of both sets computes the same plain FMA
     * chain per point, so the choice changes no bit of any answer, only the time. A process's first vector
     * kernels run the Vector API's interpreted form, which allocates per operation, until C2 has compiled
     * them, and that compilation is a second or more of CPU on a small machine; the scalar kernels compile in a
     * fraction of it. Short jobs in a fresh process finish sooner with them; from about
     * {@value #SHORT_EUCLIDEAN} points the vector kernels' speed once compiled pays for their start
     * (docs/benchmarks.md). In a process that {@link #expectManyJobs expects many jobs} it always pays.
     */
    public static VectorOps forEuclidean(int dim, long points) {
        return forEuclidean(dim, points, manyJobs);
    }

    static VectorOps forEuclidean(int dim, long points, boolean manyJobs) {
        return dim < IMPL.plainBelow() && points <= SHORT_EUCLIDEAN && !manyJobs ? SCALAR : IMPL;
    }

    /**
     * Declares a long-lived process (the worker of {@code covertree serve}) whose jobs all take {@link #IMPL}:
     * it compiles the vector kernels once and keeps them.
     */
    public static void expectManyJobs() {
        manyJobs = true;
    }

    private static VectorOps choose() {
        if ("false".equalsIgnoreCase(System.getProperty("covertree.vector", "true"))) {
            return new ScalarOps();
        }
        try {
            return new PanamaOps();
        } catch (LinkageError e) {
            System.getLogger("dev.covertree.engine").log(Level.WARNING, "jdk.incubator.vector is not available ("
                    + e + "); using scalar kernels. Run java with --add-modules jdk.incubator.vector for full speed.");
            return new ScalarOps();
        }
    }
}
