package dev.covertree.engine;

import dev.covertree.engine.internal.vector.KernelShape;
import dev.covertree.engine.internal.vector.ResidualFormula;
import java.util.Locale;

/** The stationary covariance kernels, as a function of the scaled squared distance. */
public enum KernelType {
    /** Squared exponential: {@code exp(-s²/2)}. */
    RBF("rbf", 1, KernelShape.RBF),
    /** Matérn 1/2 (exponential): {@code exp(-r)}. */
    MATERN12("matern12", 2, KernelShape.MATERN12),
    /** Matérn 3/2: {@code (1 + a) exp(-a)}, {@code a = √3 r}. */
    MATERN32("matern32", 3, KernelShape.MATERN32),
    /** Matérn 5/2: {@code (1 + a + a²/3) exp(-a)}, {@code a = √5 r}. */
    MATERN52("matern52", 4, KernelShape.MATERN52);

    private final String cliName;
    private final int fileCode;
    private final KernelShape shape;

    KernelType(String cliName, int fileCode, KernelShape shape) {
        this.cliName = cliName;
        this.fileCode = fileCode;
        this.shape = shape;
    }

    /** The correlation function as the kernels compute it. */
    public KernelShape shape() {
        return shape;
    }

    /** The number that stands for this kernel in saved files: fixed, whatever the order of the constants. */
    public int fileCode() {
        return fileCode;
    }

    /** The name used on the command line and in files: rbf, matern12, matern32, matern52. */
    public String cliName() {
        return cliName;
    }

    /** The correlation {@code k / σ²} at scaled squared distance {@code s2}. */
    public double correlation(double s2) {
        return ResidualFormula.correlation(shape, s2);
    }

    /** The kernel named {@code name} ({@link #cliName}, any case); {@code where} names the source in the error. */
    public static KernelType fromName(String name, String where) {
        for (KernelType t : values()) {
            if (t.cliName.equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new InvalidInputException(where + ": unknown kernel '" + name + "' (expected rbf, matern12, matern32 or matern52)");
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
