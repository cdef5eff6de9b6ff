package dev.covertree.npy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a snippet under python3 with NumPy; tests that need it are skipped, with a reason, where it is missing. */
final class PythonNumpy {
    private static final boolean AVAILABLE = run("import numpy").exitCode == 0;

    record Result(int exitCode, String output) {
    }

    private PythonNumpy() {
    }

    static String eval(String code) {
        assumeTrue(AVAILABLE, "python3 with numpy is not available: skipping the NumPy cross-check");
        Result r = run(code);
        if (r.exitCode != 0) {
            throw new AssertionError("python3 failed:\n" + r.output);
        }
        return r.output.strip();
    }

    private static Result run(String code) {
        try {
            Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
