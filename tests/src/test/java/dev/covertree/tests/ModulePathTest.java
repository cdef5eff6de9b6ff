package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Knn;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.RandomPoints;
import dev.covertree.npy.Npy;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine and numpy-io as JPMS modules: their descriptors export only the API packages, and code on the
 * module path answers a query while the internals stay out of its reach.
 */
class ModulePathTest {
    private static Path locationOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleDescriptor descriptor(Class<?> c) throws Exception {
        return ModuleFinder.of(locationOf(c)).findAll().iterator().next().descriptor();
    }

    @Test
    void theDescriptorsExportTheApiPackagesOnly() throws Exception {
        ModuleDescriptor engine = descriptor(Knn.class);
        assertEquals("dev.covertree.engine", engine.name());
        assertEquals(Set.of("dev.covertree.engine", "dev.covertree.engine.prepare"),
                engine.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(engine.packages().contains("dev.covertree.engine.internal.vector"), engine.packages().toString());
        assertTrue(engine.requires().stream().anyMatch(r -> r.name().equals("jdk.incubator.vector")));
        ModuleDescriptor npy = descriptor(Npy.class);
        assertEquals(Set.of("dev.covertree.npy"),
                npy.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    }

    /** Run on the module path by {@link #aProgramOnTheModulePathSearchesAndCannotReachTheInternals}. */
    public static void main(String[] args) throws Exception {
        try (Arena arena = Arena.ofShared();
             Dataset data = Dataset.euclidean(RandomPoints.generate("x", 500, 3, 7, arena));
             KnnResult r = Knn.search(data.metric(), QuerySet.allPoints(500), KnnOptions.of(4))) {
            System.out.println("module " + Knn.class.getModule().getName() + " engine " + r.engine());
        }
        Class<?> internal = Class.forName("dev.covertree.engine.internal.util.Parallel");
        try {
            internal.getMethod("forEachChunk", int.class, long.class, int.class, java.util.function.Supplier.class,
                    Class.forName("dev.covertree.engine.internal.util.Parallel$ChunkBody")).invoke(null, 1, 0L, 1, null, null);
            System.out.println("internal reachable");
        } catch (IllegalAccessException e) {
            System.out.println("internal not exported");
        }
    }

    @Test
    void aProgramOnTheModulePathSearchesAndCannotReachTheInternals() throws Exception {
        String modulePath = locationOf(Knn.class) + java.io.File.pathSeparator + locationOf(Npy.class);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath, "--add-modules", "dev.covertree.engine",
                "--enable-native-access=dev.covertree.engine,dev.covertree.npy",
                "-cp", locationOf(ModulePathTest.class).toString(), ModulePathTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("module dev.covertree.engine engine bounds"), out);
        assertTrue(out.contains("internal not exported"), out);
    }
}
