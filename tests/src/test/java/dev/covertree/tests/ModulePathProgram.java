package dev.covertree.tests;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.knn.Knn;
import dev.covertree.engine.metric.Metric;
import java.lang.foreign.Arena;
import java.lang.reflect.InvocationTargetException;

/**
 * An application of the engine on the module path (run by {@link ModulePathTest} in a JVM of its own, with
 * the engine and numpy-io as named modules and this class in the unnamed module): it searches through the
 * API, and the internals refuse it. Prints one line per finding; exit 0 when all hold.
 */
public final class ModulePathProgram {
    private ModulePathProgram() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        Module engine = Knn.class.getModule();
        System.out.println("module " + engine.getName());
        try (Arena arena = Arena.ofShared()) {
            Matrix x = RandomPoints.generate("x", 3000, 3, 7, arena);
            Dataset data = Dataset.euclidean(x);
            KnnOptions options = KnnOptions.of(5);
            try (KnnResult tree = Knn.search(Metric.of(data), QuerySet.allPoints(3000), options.withEngine(Engine.BOUNDS));
                 KnnResult scan = Knn.search(Metric.of(data), QuerySet.allPoints(3000), options.withEngine(Engine.SCAN))) {
                boolean same = tree.indices().mismatch(scan.indices()) < 0 && tree.distances().mismatch(scan.distances()) < 0;
                System.out.println("search " + (same ? "equal" : "DIFFERENT"));
            }
        }
        String internal = "dev.covertree.engine.internal.util";
        System.out.println("exported " + internal + " " + engine.isExported(internal));
        try {
            Class.forName(internal + ".MemoryLimit").getMethod("available").invoke(null);
            System.out.println("internal call allowed");
        } catch (IllegalAccessException e) {
            System.out.println("internal call refused");
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }
}
