package dev.covertree.engine.internal.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenBlasCoreTypeTest {

    @Test
    void theAvx512KernelsAreChosenOnlyWhereEverySubsetTheyUseIsThere(@TempDir Path dir) throws IOException {
        Path zen4 = dir.resolve("zen4");
        Files.writeString(zen4, "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 fma avx512f avx512dq "
                + "avx512bw avx512vl avx512_bf16\n\nprocessor\t: 1\nflags\t\t: fpu\n");
        assertTrue(OpenBlasCoreType.hasAvx512(OpenBlasCoreType.cpuFlags(zen4)));
        Path avx2 = dir.resolve("avx2");
        Files.writeString(avx2, "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma avx512f\n");
        assertFalse(OpenBlasCoreType.hasAvx512(OpenBlasCoreType.cpuFlags(avx2)));
        assertEquals(List.of(), OpenBlasCoreType.cpuFlags(dir.resolve("missing")));
    }
}
