package dev.covertree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages form layers: a package imports only packages of lower layers, so there is no cycle
 * and nothing low depends on something high (docs/architecture.md draws them). Read from the sources, imports
 * and fully qualified names in code alike (comments may name any package).
 */
class PackageLayersTest {
    private static final String E = "dev.covertree.engine";
    /** Each package's layer; lower numbers may be imported by higher ones, never the other way. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry(E + ".internal.vector", 0), Map.entry(E + ".internal.util", 0),
            Map.entry(E + ".internal.linalg", 1), Map.entry(E, 1),
            Map.entry(E + ".internal.search", 2), Map.entry(E + ".prepare", 2),
            Map.entry(E + ".metric", 3),
            Map.entry(E + ".brute", 4), Map.entry(E + ".cover", 4), Map.entry(E + ".bounds", 4),
            Map.entry(E + ".order", 5),
            Map.entry(E + ".knn", 6));
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.covertree\\.engine(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyLowerLayers() throws IOException {
        Path main = Path.of("src", "main", "java");
        List<String> violations = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")).toList()) {
                String text = Files.readString(f);
                Matcher pm = PACKAGE.matcher(text);
                assertTrue(pm.find(), f + " has no package line");
                String own = pm.group(1);
                seen.add(own);
                assertTrue(LAYER.containsKey(own), own + " (" + f + ") is in no layer: add it to the table and the architecture doc");
                Matcher rm = REFERENCE.matcher(withoutComments(text));
                while (rm.find()) {
                    String used = rm.group(1);
                    if (!used.equals(own) && !(LAYER.get(used) < LAYER.get(own))) {
                        violations.add(f.getFileName() + " (" + own + ", layer " + LAYER.get(own) + ") uses " + used
                                + " (layer " + LAYER.get(used) + ")");
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(LAYER.keySet()), seen, "the table names exactly the packages there are");
        assertEquals(List.of(), violations);
    }

    private static String withoutComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
