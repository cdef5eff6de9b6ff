package dev.covertree.tests;

/**
 * How closely each reference case can agree, and why.
 *
 * <p>SPEC section 6 asks for 1e-9 relative on distances. That holds on local-4k. On gold-4k it cannot
 * hold in float64 for anyone: {@code C = k − V·V} is a difference of O(1) numbers that leaves ~p ≈ 1e-6,
 * so each rounding of size u ≈ 1.1e-16 moves ρ by u/p ≈ 1e-10, and a 512-term dot product moves it by up
 * to m·u/p_min ≈ 5e-7 (worst case; ~√m·u/p typically). The error is uniform in |ρ| = 1 − d², so it is
 * largest relative to small d. Measured on the pair (76, 2247): exact value (200-bit mpmath)
 * 0.3755109456975, ours 0.3755109449806 (1.9e-9 off), the NumPy reference 0.3755109470149 (3.5e-9 off).
 * So gold-4k is compared with 1e-9 relative on d, or 2e-7 absolute on d² (that is, on |ρ|).
 */
final class Tolerance {
    private Tolerance() {
    }

    static double relative(String caseName) {
        return 1e-9;
    }

    static double onRho(String caseName) {
        return caseName.startsWith("gold") ? 2e-7 : 0;
    }
}
