package dev.covertree.npy;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The NumPy-made files in {@code src/test/resources/npy} (see make_fixtures.py there). */
final class Fixtures {
    private Fixtures() {
    }

    static Path of(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test fixture " + name, e);
        }
    }
}
