package dev.covertree.engine.internal.vector;

import java.lang.System.Logger.Level;

/**
 * Chooses the kernel implementation once. {@code -Dcovertree.vector=false} forces the scalar one;
 * without {@code --add-modules jdk.incubator.vector} the scalar one is used with one warning.
 */
public final class Ops {
    /** The implementation every engine uses. */
    public static final VectorOps IMPL = choose();

    private Ops() {
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
