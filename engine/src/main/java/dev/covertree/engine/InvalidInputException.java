package dev.covertree.engine;

/**
 * Input data or arguments the engine cannot use: mismatched shapes, NaN or infinite values, a
 * non-positive variance, k &lt; 1, an id out of range. The message names the input and the problem.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message names the input and says what is wrong with it */
    public InvalidInputException(String message) {
        super(message);
    }
}
