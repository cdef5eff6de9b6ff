package dev.covertree.engine;

/** The two distances the engine searches with (SPEC sections 3 and 5). */
public enum MetricType {
    /** {@code √(1 − |ρ|)} with ρ the residual correlation; at most 1. */
    RESIDUAL,
    /** {@code ‖x_i − x_j‖₂}. */
    EUCLIDEAN;

    /** Parses a command-line name (case-insensitive). */
    public static MetricType parse(String s) {
        for (MetricType t : values()) {
            if (t.name().equalsIgnoreCase(s.trim())) {
                return t;
            }
        }
        throw new InvalidInputException("unknown metric '" + s + "' (expected residual or euclidean)");
    }
}
