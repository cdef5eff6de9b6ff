package dev.covertree.engine.internal.linalg;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks OpenBLAS's kernels when its own detection would pick slow ones. Debian's OpenBLAS (0.3.21, built
 * for every x86 core and choosing at load time) does not know AMD's Zen 4 and falls back to its
 * SSE3 "Prescott" kernels, far slower than its AVX-512 "SkylakeX" ones, which Zen 4 runs (docs/benchmarks.md).
 * OpenBLAS reads {@code OPENBLAS_CORETYPE} from the process environment when it is loaded, so before the
 * first load, where the variable is not set and the CPU has the AVX-512 subsets those kernels use, it is
 * set to {@value #AVX512_CORE} with the C library's {@code setenv}. A user's own setting always wins, and
 * when OpenBLAS is already loaded in the process (by the application embedding this library) nothing changes.
 */
final class OpenBlasCoreType {
    static final String VARIABLE = "OPENBLAS_CORETYPE";
    static final String AVX512_CORE = "SkylakeX";
    private static final Set<String> AVX512_FLAGS = Set.of("avx512f", "avx512dq", "avx512bw", "avx512vl");

    private OpenBlasCoreType() {
    }

    /** Sets {@value #VARIABLE} for this process where that helps (see the class comment); quietly does nothing otherwise. */
    static void chooseBeforeLoading() {
        if (System.getenv(VARIABLE) != null || !hasAvx512(cpuFlags(Path.of("/proc/cpuinfo")))) {
            return;
        }
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MemorySegment> setenv = linker.defaultLookup().find("setenv");
            if (setenv.isEmpty()) {
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                int ignored = (int) linker.downcallHandle(setenv.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT))
                        .invokeExact(arena.allocateFrom(VARIABLE), arena.allocateFrom(AVX512_CORE), 0);
            }
        } catch (Throwable t) {
            // only a speed preference: OpenBLAS then uses what it detects
        }
    }

    /** Whether the first CPU's flags include every AVX-512 subset the SkylakeX kernels use. */
    static boolean hasAvx512(List<String> flags) {
        return flags.containsAll(AVX512_FLAGS);
    }

    /** The {@code flags} of the first processor in a /proc/cpuinfo file; empty when it cannot be read. */
    static List<String> cpuFlags(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? List.of() : List.of(line.substring(colon + 1).trim().split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        return List.of();
    }
}
