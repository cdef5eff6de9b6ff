package dev.covertree.spark;

import dev.covertree.cli.DistributedKnn;
import dev.covertree.engine.knn.Knn;
import dev.covertree.npy.NpyArray;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a job sends to a cluster's executors beside its tasks: the jars holding this project's classes (a
 * cluster's executors start with Spark's classes only), and the JVM flags its code needs there (the vector
 * module, native access for the BLAS and madvise downcalls, the packages Spark opens).
 */
final class ClusterShipping {
    /** Flags of the driver's own JVM that executors need as well, by prefix. */
    private static final List<String> SHIPPED_FLAGS = List.of("--add-modules", "--enable-native-access", "--add-opens",
            "--add-exports", "--sun-misc-unsafe-memory-access");

    private ClusterShipping() {
    }

    /**
     * The jar files this job's classes come from: the spark module's, the command-line module's, the engine's
     * and the NumPy reader's. A class folder (a build's target/classes, in tests) cannot be sent and is left
     * out: a job run from folders reaches only executors that have the classes already.
     */
    static List<String> jars() {
        Set<String> jars = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {ClusterShipping.class, DistributedKnn.class, Knn.class, NpyArray.class}) {
            try {
                Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(p)) {
                    jars.add(p.toUri().toString());
                }
            } catch (URISyntaxException | RuntimeException e) {
                // a class from somewhere a path cannot name (a custom class loader): nothing to send
            }
        }
        return new ArrayList<>(jars);
    }

    /** The driver JVM's flags of {@link #SHIPPED_FLAGS}' kinds, as it was started with them. */
    static List<String> jvmFlags() {
        List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            for (String f : SHIPPED_FLAGS) {
                if (a.equals(f) && i + 1 < in.size()) {
                    out.add(f + "=" + in.get(++i));
                } else if (a.startsWith(f + "=")) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
