package dev.covertree.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code --telemetry FILE}: one JSON object per phase (name, seconds, counts), appended as lines. */
final class Telemetry {
    private final Path file;

    Telemetry(Path file) {
        this.file = file;
    }

    /** The heap's high-water mark so far (sum of the heap pools' peaks), in MiB. */
    static double heapPeakMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024.0 * 1024.0);
    }

    /** Starts timing a phase. */
    Phase phase(String name) {
        return new Phase(name);
    }

    final class Phase {
        private final String name;
        private final long start = System.nanoTime();
        private final Map<String, Object> counts = new LinkedHashMap<>();

        private Phase(String name) {
            this.name = name;
        }

        Phase count(String key, Object value) {
            counts.put(key, value);
            return this;
        }

        /** Ends the phase, writes its line (when telemetry is on) and returns its seconds. */
        double end() throws IOException {
            double seconds = (System.nanoTime() - start) / 1e9;
            if (file != null) {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                        "{\"phase\":\"%s\",\"seconds\":%.6f,\"heap_peak_mb\":%.1f", name, seconds, heapPeakMb()));
                for (Map.Entry<String, Object> e : counts.entrySet()) {
                    Object v = e.getValue();
                    String json = v instanceof Number ? v.toString() : "\"" + v.toString().replace("\\", "\\\\")
                            .replace("\"", "\\\"") + "\"";
                    sb.append(",\"").append(e.getKey()).append("\":").append(json);
                }
                Files.writeString(file, sb.append("}\n"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            return seconds;
        }

    }
}
