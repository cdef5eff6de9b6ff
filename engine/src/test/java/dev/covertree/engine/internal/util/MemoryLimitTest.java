package dev.covertree.engine.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLimitTest {
    @TempDir
    Path dir;

    private Path proc(String cgroup) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc/self")).getParent();
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 25000000 kB\nMemAvailable:   20000000 kB\n");
        Files.writeString(proc.resolve("self/cgroup"), cgroup);
        return proc;
    }

    @Test
    void withoutALimitTheHostsAvailableMemoryStands() throws IOException {
        Path proc = proc("0::/user.slice\n");
        Path cg = Files.createDirectories(dir.resolve("cg/user.slice"));
        Files.writeString(cg.resolve("memory.max"), "max\n");
        assertEquals(20000000L * 1024, MemoryLimit.available(proc, dir.resolve("cg")));
    }

    @Test
    void aCgroupV2LimitLowersItToTheGroupsHeadroom() throws IOException {
        Path proc = proc("0::/box\n");
        Path cg = Files.createDirectories(dir.resolve("cg/box"));
        Files.writeString(cg.resolve("memory.max"), "1073741824\n");
        Files.writeString(cg.resolve("memory.current"), "73741824\n");
        assertEquals(1_000_000_000L, MemoryLimit.available(proc, dir.resolve("cg")));
    }

    @Test
    void aCgroupV1LimitOnAParentGroupCountsToo() throws IOException {
        Path proc = proc("4:memory:/outer/inner\n3:cpuset:/\n");
        Path outer = Files.createDirectories(dir.resolve("cg/memory/outer"));
        Path inner = Files.createDirectories(outer.resolve("inner"));
        Files.writeString(inner.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        Files.writeString(inner.resolve("memory.usage_in_bytes"), "100\n");
        Files.writeString(outer.resolve("memory.limit_in_bytes"), "2000000000\n");
        Files.writeString(outer.resolve("memory.usage_in_bytes"), "500000000\n");
        assertEquals(1_500_000_000L, MemoryLimit.available(proc, dir.resolve("cg")));
    }
}
