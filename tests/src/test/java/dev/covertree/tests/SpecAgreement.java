package dev.covertree.tests;

import dev.covertree.npy.NpyArray;
import dev.covertree.engine.KnnResult;

/**
 * SPEC section 6's rule for two k-NN answers: sorted distance rows agree to a tolerance, and the id
 * sets agree except among ids whose distances tie (within that tolerance) with the k-th.
 */
final class SpecAgreement {
    private SpecAgreement() {
    }

    /** Equal within {@code rel} relative on d, or {@code onRho} absolute on d² = 1 − |ρ|. */
    static boolean close(double e, double a, double rel, double onRho) {
        return e == a || Math.abs(e - a) <= rel * Math.abs(e) || Math.abs(e * e - a * a) <= onRho;
    }

    /** Returns null when they agree, else a description of the first difference. */
    static String compare(NpyArray expIdx, NpyArray expDist, KnnResult actual, double rel, double onRho) {
        int k = actual.k();
        for (long q = 0; q < actual.queries(); q++) {
            double kth = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double e = expDist.getDouble(q, j);
                double a = actual.distance(q, j);
                if (!close(e, a, rel, onRho)) {
                    return "row " + q + " rank " + j + ": distance " + a + ", expected " + e;
                }
                if (e != Double.POSITIVE_INFINITY) {
                    kth = e;
                }
            }
            for (int j = 0; j < k; j++) {
                long id = expIdx.getLong(q, j);
                double e = expDist.getDouble(q, j);
                if (id < 0 || close(e, kth, rel, onRho)) {
                    continue; // a tie at the cut-off may be broken either way
                }
                boolean found = false;
                for (int t = 0; t < k && !found; t++) {
                    found = actual.index(q, t) == id;
                }
                if (!found) {
                    return "row " + q + ": id " + id + " (distance " + e + ") is missing";
                }
            }
        }
        return null;
    }
}
