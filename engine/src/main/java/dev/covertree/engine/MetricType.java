package dev.covertree.engine;

/** The two distances the engine searches with. */
public enum MetricType {
    /** {@code √(1 − |ρ|)} with ρ the residual correlation; at most 1. */
    RESIDUAL(1),
    /** {@code ‖x_i − x_j‖₂}. */
    EUCLIDEAN(2);

    private final int fileCode;

    MetricType(int fileCode) {
        this.fileCode = fileCode;
    }

    /** The number that stands for this metric in saved files: fixed, whatever the order of the constants. */
    public int fileCode() {
        return fileCode;
    }

    /** The name used on the command line and in reports: lower case. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
