package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.knn.Knn;
import dev.covertree.npy.NpyArray;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine and numpy-io as named modules: their descriptors export the API packages only, and an
 * application on the module path searches through the API while the internals refuse it.
 */
class ModulePathTest {
    private static Path home(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void descriptorsExportTheApiAndNotTheInternals() throws Exception {
        ModuleFinder finder = ModuleFinder.of(home(Knn.class), home(NpyArray.class));
        ModuleDescriptor engine = finder.find("dev.covertree.engine").orElseThrow().descriptor();
        ModuleDescriptor npy = finder.find("dev.covertree.npy").orElseThrow().descriptor();
        assertEquals(Set.of("dev.covertree.engine", "dev.covertree.engine.metric", "dev.covertree.engine.cover",
                        "dev.covertree.engine.bounds", "dev.covertree.engine.order", "dev.covertree.engine.knn", "dev.covertree.engine.prepare"),
                engine.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(engine.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(engine.packages().containsAll(Set.of("dev.covertree.engine.internal.vector", "dev.covertree.engine.internal.search",
                "dev.covertree.engine.brute")));
        Set<String> requires = engine.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(Set.of("jdk.incubator.vector", "dev.covertree.npy")), requires.toString());
        assertEquals(Set.of("dev.covertree.npy"),
                npy.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    }

    @Test
    void anApplicationOnTheModulePathUsesTheApiAndIsRefusedTheInternals() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", home(Knn.class) + File.pathSeparator + home(NpyArray.class),
                "--add-modules", "dev.covertree.engine,jdk.incubator.vector",
                "--enable-native-access=dev.covertree.engine,dev.covertree.npy",
                "-cp", home(ModulePathProgram.class).toString(), ModulePathProgram.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the program did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out + err);
        assertEquals(List.of("module dev.covertree.engine", "search equal", "exported dev.covertree.engine.internal.util false",
                "internal call refused"), out.lines().toList(), err);
        // the incubator notice only: the native access named above covers both modules' downcalls
        assertTrue(err.lines().allMatch(l -> l.startsWith("WARNING: Using incubator modules")), err);
    }
}
