package dev.covertree.engine;

import java.util.Arrays;

/**
 * A covariance kernel: type, variance σ² and lengthscale ℓ, either one value for every dimension or one
 * per dimension (ARD).
 *
 * @param type        kernel family
 * @param variance    σ² &gt; 0
 * @param lengthscale one value, or one per coordinate dimension; each &gt; 0
 */
public record Kernel(KernelType type, double variance, double[] lengthscale) {

    /** Checks the parts: a type, a finite variance &gt; 0, and finite lengthscales &gt; 0 (one, or one per dimension). */
    public Kernel {
        if (type == null) {
            throw new InvalidInputException("kernel type is missing");
        }
        if (!(variance > 0) || !Double.isFinite(variance)) {
            throw new InvalidInputException("kernel variance must be finite and > 0, got " + variance);
        }
        if (lengthscale == null || lengthscale.length == 0) {
            throw new InvalidInputException("kernel lengthscale is missing");
        }
        for (double l : lengthscale) {
            if (!(l > 0) || !Double.isFinite(l)) {
                throw new InvalidInputException("kernel lengthscale must be finite and > 0, got " + l);
            }
        }
        lengthscale = lengthscale.clone();
    }

    /** A kernel with one lengthscale for all dimensions. */
    public static Kernel of(KernelType type, double variance, double lengthscale) {
        return new Kernel(type, variance, new double[] {lengthscale});
    }

    /** A copy of the lengthscales. */
    @Override
    public double[] lengthscale() {
        return lengthscale.clone();
    }

    /** The lengthscale of dimension {@code dim}. */
    public double lengthscale(int dim) {
        return lengthscale.length == 1 ? lengthscale[0] : lengthscale[dim];
    }

    /** Checks that the lengthscale fits coordinates of dimension {@code d}. */
    public void checkDimension(int d) {
        if (lengthscale.length != 1 && lengthscale.length != d) {
            throw new InvalidInputException("kernel has " + lengthscale.length + " lengthscales but the coordinates have "
                    + d + " dimensions (give one, or one per dimension)");
        }
    }

    /** {@code k} at scaled squared distance {@code s2 = Σ (Δx_d / ℓ_d)²}. */
    public double value(double s2) {
        return variance * type.correlation(s2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kernel k && k.type == type && k.variance == variance && Arrays.equals(k.lengthscale, lengthscale);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Double.hashCode(variance) * 17 + Arrays.hashCode(lengthscale);
    }

    @Override
    public String toString() {
        return type + "(variance=" + variance + ", lengthscale=" + Arrays.toString(lengthscale) + ")";
    }
}
