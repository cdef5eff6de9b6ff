package dev.covertree.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The reference cases in {@code ../shared/reference} (beside the repository), and their case.json. */
final class Reference {
    private Reference() {
    }

    /** The folder of a case, found by walking up from the working directory; skips the test when absent. */
    static Path dir(String name) {
        String override = System.getProperty("covertree.reference");
        if (override != null) {
            return Path.of(override, name);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/reference").resolve(name);
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        assumeTrue(false, "reference data shared/reference/" + name + " not found beside the repository");
        return null;
    }

    static String json(Path dir) throws IOException {
        return Files.readString(dir.resolve("case.json"));
    }

    static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("case.json has no " + key);
        }
        return m.group(1);
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\[?\\s*([-0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("case.json has no " + key);
        }
        return Double.parseDouble(m.group(1));
    }
}
