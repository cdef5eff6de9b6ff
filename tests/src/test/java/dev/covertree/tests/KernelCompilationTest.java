package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels compiled from profiles other than a plain job's, each in a JVM of its own
 * ({@link KernelAllocationProgram}). A vector that crosses a call C2 did not inline is boxed: the kernel then allocates
 * kilobytes a call and runs many times slower, for as long as the JVM lives.
 */
class KernelCompilationTest {
    /**
     * With {@code -XX:-TieredCompilation} C2 compiles from the interpreter's profile, which once left a lane sum's
     * shuffles of unknown class and every vector of the kernel boxed (a search 1.6x slower, allocating gigabytes).
     */
    @Test
    void theLaneSumKernelsAllocateNothingWhenCompiledFromTheInterpretersProfile() throws Exception {
        assertAllocatesNothing(run("lane-sums", "-XX:-TieredCompilation"));
    }

    /**
     * A JVM that loaded mostly float64 rows (one float32 call in 200) once compiled its kernels with the float32 load
     * left out of line, as a call too rare to inline, and its float32 kernels then stayed boxed: 12x slower.
     */
    @Test
    void theFloat32KernelsAllocateNothingAfterTheJvmLoadedMostlyFloat64Rows() throws Exception {
        assertAllocatesNothing(run("mixed-dtypes"));
    }

    private static String run(String mode, String... jvmFlags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmFlags));
        // the flags this JVM was started with (pom.xml's covertree.jvm.flags), not a copy of them
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-modules") || a.startsWith("jdk.incubator") || a.startsWith("--enable-native-access")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Dcovertree.vector=true", "-cp", System.getProperty("java.class.path"),
                KernelAllocationProgram.class.getName(), mode));
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the program did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out + err);
        return out;
    }

    private static void assertAllocatesNothing(String out) {
        List<String> lines = out.lines().toList();
        assumeTrue(lines.get(0).startsWith("panama"), "no vector kernels on this JVM: " + out);
        String allocated = lines.get(1);
        assertTrue(allocated.startsWith("allocated "), out);
        // a boxed kernel allocates kilobytes a call; a compiled one nothing (a few bytes of bookkeeping at most)
        assertTrue(Long.parseLong(allocated.substring("allocated ".length())) < 4096, out);
    }
}
