package dev.covertree.engine.internal.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much memory this process may still use: the host's {@code MemAvailable}, lowered to the headroom
 * of the control group's memory limit where one is set (cgroup v2 {@code memory.max} less
 * {@code memory.current}; v1 {@code memory.limit_in_bytes} less {@code memory.usage_in_bytes}), the
 * group's own and each parent's. Inside a container the host's free memory says nothing about what the
 * process may take before it is killed.
 */
public final class MemoryLimit {
    private MemoryLimit() {
    }

    /** Bytes available to this process, or {@link Long#MAX_VALUE} where nothing can be read. */
    public static long available() {
        return available(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    }

    /** {@link #available()} with {@code /proc} and the cgroup mount at the given places (for tests). */
    public static long available(Path proc, Path cgroupRoot) {
        long host = hostAvailable(proc);
        try {
            for (String line : Files.readAllLines(proc.resolve("self/cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                String rel = f[2].startsWith("/") ? f[2].substring(1) : f[2];
                if (f[0].equals("0") && f[1].isEmpty()) {
                    host = Math.min(host, headroom(cgroupRoot, rel, "memory.max", "memory.current"));
                } else if (List.of(f[1].split(",")).contains("memory")) {
                    host = Math.min(host, headroom(cgroupRoot.resolve("memory"), rel, "memory.limit_in_bytes",
                            "memory.usage_in_bytes"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup information: the host's figure stands
        }
        return host;
    }

    /** The smallest limit-minus-usage from the group at {@code rel} up to the mount's root. */
    private static long headroom(Path mount, String rel, String limitFile, String usageFile) {
        long best = Long.MAX_VALUE;
        Path dir = rel.isEmpty() ? mount : mount.resolve(rel);
        while (dir != null && dir.startsWith(mount)) {
            long limit = read(dir.resolve(limitFile));
            if (limit > 0 && limit < (1L << 60)) {
                long usage = Math.max(0, read(dir.resolve(usageFile)));
                best = Math.min(best, Math.max(0, limit - usage));
            }
            dir = dir.equals(mount) ? null : dir.getParent();
        }
        return best;
    }

    /** A file's number; −1 when missing, unreadable or "max". */
    private static long read(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.equals("max") ? -1 : Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long hostAvailable(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getFreeMemorySize();
        }
        return Long.MAX_VALUE;
    }
}
