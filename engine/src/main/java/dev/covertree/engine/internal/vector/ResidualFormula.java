package dev.covertree.engine.internal.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;


/**
 * The scalar arithmetic of the residual distance after the dot product, and the exponential it uses.
 * {@link PanamaOps} evaluates the very same operation sequence lane-wise, so a distance computed in a
 * block equals, bit for bit, the same distance computed alone. That is why {@link #exp} is written here
 * from IEEE operations and FMA only: {@code Math.exp} and the vector API's {@code EXP} may round
 * differently from each other (and the latter differently between interpreted and compiled code).
 */
public final class ResidualFormula {
    public static final double LOG2E = 1.4426950408889634;
    /** ln 2 split so that k·LN2_HI is exact for |k| &lt; 2^11 (Cody and Waite). */
    public static final double LN2_HI = 0.6931471803691238;
    public static final double LN2_LO = 1.9082149292705877e-10;
    /** Adding and subtracting 1.5·2^52 rounds a double to the nearest integer (ties to even). */
    public static final double ROUNDER = 6755399441055744.0;
    /** Below this, exp underflows to subnormals; the kernels treat it as 0 (it is &lt; 1e-307 of σ²). */
    public static final double EXP_MIN = -708.0;
    /** Taylor coefficients 1/i!, i = 13 … 0: the truncation error on |r| ≤ ln2/2 is below 5e-18. */
    public static final double[] C = {
        1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
        1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0};
    /**
     * The first ten of {@link #C}, 1/i! for i = 9 … 0: the exponential's polynomial where only a bound is needed
     * ({@link PanamaOps#residualScreen}). Its truncation error on |r| ≤ ln2/2 is below
     * {@code e^{2|r|} |r|^10 / 10! < 1.4e-11} relative.
     */
    public static final double[] SCREEN_EXP = Arrays.copyOfRange(C, C.length - 10, C.length);
    /**
     * A relative bound on how far an exponential with {@link #SCREEN_EXP} may lie from {@link #exp}: the
     * truncation error above, the canonical one's 2 ulps and both polynomials' roundings (a few ulps) come to
     * less than 1.5e-11; 2⁻³² is more than ten times that.
     */
    public static final double SCREEN_EXP_ERROR = 0x1p-32;
    /**
     * The Matérn kernels' argument {@code a = √(2ν) r} is capped here: beyond it {@link #exp} of −a is 0 and so
     * is the kernel, as it is uncapped for every finite a, but an infinite a (a squared distance that
     * overflowed) would make {@code (1 + a) · 0} NaN.
     */
    public static final double MATERN_ARG_MAX = 1000;
    public static final double SQRT3 = Math.sqrt(3);
    public static final double SQRT5 = Math.sqrt(5);

    private ResidualFormula() {
    }

    /** e^x for x ≤ 0, within 2 ulps; 0 below {@link #EXP_MIN}. */
    public static double exp(double x) {
        if (x < EXP_MIN) {
            return 0;
        }
        double k = (x * LOG2E + ROUNDER) - ROUNDER;
        double r = Math.fma(-k, LN2_HI, x);
        r = Math.fma(-k, LN2_LO, r);
        double p = C[0];
        for (int i = 1; i < C.length; i++) {
            p = Math.fma(p, r, C[i]);
        }
        return p * Double.longBitsToDouble(((long) k + 1023) << 52);
    }

    /** The kernel's correlation {@code k / σ²} at scaled squared distance {@code s2}. */
    public static double correlation(KernelShape type, double s2) {
        return switch (type) {
            case RBF -> exp(-0.5 * s2);
            case MATERN12 -> exp(-Math.sqrt(s2));
            case MATERN32 -> {
                double a = Math.min(SQRT3 * Math.sqrt(s2), MATERN_ARG_MAX);
                yield (1 + a) * exp(-a);
            }
            case MATERN52 -> {
                double a = Math.min(SQRT5 * Math.sqrt(s2), MATERN_ARG_MAX);
                yield ((1 + a) + (a * a) / 3) * exp(-a);
            }
        };
    }

    /**
     * The scaled squared distance {@code Σ_k (a_k − b_k)²} of two points whose {@code d} float64
     * coordinates (already divided by the lengthscales) start at byte offsets {@code aOff} and {@code bOff}:
     * an FMA chain in dimension order. Every kernel value the project computes (K_UU, k(x, U), the
     * residual distance) starts here; {@link VectorOps#squaredDistances} is its lane-wise twin.
     */
    public static double squaredDistance(MemorySegment a, long aOff, MemorySegment b, long bOff, int d) {
        double s2 = 0;
        for (int k = 0; k < d; k++) {
            double t = a.get(ValueLayout.JAVA_DOUBLE, aOff + 8L * k) - b.get(ValueLayout.JAVA_DOUBLE, bOff + 8L * k);
            s2 = Math.fma(t, t, s2);
        }
        return s2;
    }

    /**
     * {@link #squaredDistance(MemorySegment, long, MemorySegment, long, int)} over arrays (coordinates starting at
     * indices {@code aOff}, {@code bOff}): the same FMA chain, so the same bits. V's preparation calls it millions
     * of times before a search; were it the segment method, the JIT would compile that method on its own for
     * preparation's arrays and then not inline it into the search, which calls it for every distance.
     */
    public static double squaredDistance(double[] a, int aOff, double[] b, int bOff, int d) {
        double s2 = 0;
        for (int k = 0; k < d; k++) {
            double t = a[aOff + k] - b[bOff + k];
            s2 = Math.fma(t, t, s2);
        }
        return s2;
    }

    /** {@code √(1 − min(|ρ|, 1))} with ρ from {@link #rho}. */
    public static double distance(KernelShape type, double variance, double s2, double dot, double ispQ, double ispJ) {
        return Math.sqrt(1.0 - Math.min(Math.abs(rho(type, variance, s2, dot, ispQ, ispJ)), 1.0));
    }

    /** The residual correlation before clamping: {@code (σ² corr(s2) − dot) · ispQ · ispJ}. */
    public static double rho(KernelShape type, double variance, double s2, double dot, double ispQ, double ispJ) {
        return (variance * correlation(type, s2) - dot) * ispQ * ispJ;
    }
}
