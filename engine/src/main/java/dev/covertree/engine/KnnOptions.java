package dev.covertree.engine;

/**
 * What a k-NN search returns and how it runs.
 *
 * @param k           neighbours per query, &gt;= 1
 * @param includeSelf for queries by id: let the query point be its own neighbour (at distance 0)
 * @param predecessor the Vecchia ordering: the query with id i may only return ids j &lt; i
 * @param threads     worker threads, &gt;= 1
 * @param engine      which search algorithm
 * @param checkInputs check the inputs for contradictions the answer reveals (for the residual metric: kernel
 *                    settings that do not belong to V and p) and fail with {@link InvalidInputException}; on
 *                    by default, off only for inputs known to be unusual on purpose
 */
public record KnnOptions(int k, boolean includeSelf, boolean predecessor, int threads, Engine engine, boolean checkInputs) {

    /** Checks the options: k &ge; 1, threads &ge; 1, an engine. */
    public KnnOptions {
        if (k < 1) {
            throw new InvalidInputException("k must be >= 1, got " + k);
        }
        if (threads < 1) {
            throw new InvalidInputException("threads must be >= 1, got " + threads);
        }
        if (engine == null) {
            throw new InvalidInputException("engine is missing");
        }
    }

    /** The options with the input checks on. */
    public KnnOptions(int k, boolean includeSelf, boolean predecessor, int threads, Engine engine) {
        this(k, includeSelf, predecessor, threads, engine, true);
    }

    /** k neighbours, self excluded, no ordering constraint, all cores, engine chosen for the data. */
    public static KnnOptions of(int k) {
        return new KnnOptions(k, false, false, Runtime.getRuntime().availableProcessors(), Engine.AUTO);
    }

    /** The same options with the input checks on or off. */
    public KnnOptions withCheckInputs(boolean on) {
        return new KnnOptions(k, includeSelf, predecessor, threads, engine, on);
    }

    /** The same options with predecessor mode on or off. */
    public KnnOptions withPredecessor(boolean on) {
        return new KnnOptions(k, includeSelf, on, threads, engine, checkInputs);
    }

    /** The same options with the query point included or not. */
    public KnnOptions withIncludeSelf(boolean on) {
        return new KnnOptions(k, on, predecessor, threads, engine, checkInputs);
    }

    /** The same options with another thread count. */
    public KnnOptions withThreads(int t) {
        return new KnnOptions(k, includeSelf, predecessor, t, engine, checkInputs);
    }

    /** The same options with another engine. */
    public KnnOptions withEngine(Engine e) {
        return new KnnOptions(k, includeSelf, predecessor, threads, e, checkInputs);
    }
}
