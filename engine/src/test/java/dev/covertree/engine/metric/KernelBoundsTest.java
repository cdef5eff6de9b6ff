package dev.covertree.engine.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.KernelType;
import dev.covertree.engine.internal.vector.ResidualFormula;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bounds tree's kernel table: {@link KernelBounds#upper} is at least, and {@link KernelBounds#lower} at
 * most, the canonical computed kernel at every distance on the bounded side, for every kernel, at cell edges,
 * their neighbouring doubles, and seeded random arguments over the whole range; and a cell is narrow.
 */
class KernelBoundsTest {
    private static final double[] VARIANCES = {1.0, 0.37, 2.5e3};

    private static double kernel(KernelType type, double variance, double s2) {
        return variance * ResidualFormula.correlation(type.shape(), s2);
    }

    /** Arguments to try: 0, cell edges and the doubles beside them, the table's ends, random ones over 1e-12..1e5. */
    private static double[] arguments(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] a = new double[6000];
        int i = 0;
        a[i++] = 0;
        a[i++] = Double.MIN_VALUE;
        a[i++] = 1e300;
        for (int c : new int[] {0, 1, 2, 255, 256, KernelBounds.CELLS / 2, KernelBounds.CELLS - 1, KernelBounds.CELLS}) {
            double e = KernelBounds.gridValue(c);
            a[i++] = e;
            a[i++] = Math.nextUp(e);
            a[i++] = Math.nextDown(e);
        }
        while (i < a.length) {
            a[i++] = Math.pow(10, rnd.nextDouble(-12, 5));
        }
        return a;
    }

    @Test
    void upperBoundsTheKernelAtEveryFartherDistanceAndLowerAtEveryNearerOne() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (KernelType type : KernelType.values()) {
            for (double variance : VARIANCES) {
                KernelBounds b = new KernelBounds(type, variance);
                for (double s2 : arguments(31)) {
                    double up = b.upper(s2);
                    double lo = b.lower(s2);
                    // the argument itself, the doubles next to it on each side, and random ones further off
                    double[] farther = {s2, Math.nextUp(s2), s2 * (1 + rnd.nextDouble(1e-3)), s2 * rnd.nextDouble(1, 4)};
                    double[] nearer = {s2, Math.nextDown(Math.max(s2, Double.MIN_VALUE)), s2 * rnd.nextDouble(0.999, 1), s2 * rnd.nextDouble()};
                    for (double t2 : farther) {
                        assertTrue(up >= kernel(type, variance, t2),
                                () -> type + " variance " + variance + ": upper(" + s2 + ") = " + up + " below the kernel at " + t2);
                    }
                    for (double t2 : nearer) {
                        assertTrue(lo <= kernel(type, variance, t2),
                                () -> type + " variance " + variance + ": lower(" + s2 + ") = " + lo + " above the kernel at " + t2);
                    }
                }
            }
        }
    }

    @Test
    void aCellSpansAtMostOnePartIn256OfItsSquaredDistance() {
        for (int c = 0; c < KernelBounds.CELLS; c++) {
            double width = KernelBounds.gridValue(c + 1) / KernelBounds.gridValue(c) - 1;
            assertTrue(width > 0 && width <= Math.scalb(1.0, -KernelBounds.MANTISSA_BITS), "cell " + c + ": " + width);
        }
        assertEquals(Math.scalb(1.0, KernelBounds.MAX_EXP), KernelBounds.gridValue(KernelBounds.CELLS));
        assertEquals(Math.scalb(1.0, KernelBounds.MIN_EXP), KernelBounds.gridValue(0));
    }
}
