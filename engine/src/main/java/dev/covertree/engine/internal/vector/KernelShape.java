package dev.covertree.engine.internal.vector;

/**
 * The kernels' correlation functions as the kernels here compute them: the engine's {@code KernelType}
 * without its API (names, file codes), so that this package depends on nothing above it.
 */
public enum KernelShape {
    /** {@code exp(-s²/2)}. */
    RBF,
    /** {@code exp(-r)}. */
    MATERN12,
    /** {@code (1 + a) exp(-a)}, {@code a = √3 r}. */
    MATERN32,
    /** {@code (1 + a + a²/3) exp(-a)}, {@code a = √5 r}. */
    MATERN52
}
