package dev.covertree.engine.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.TestData;
import dev.covertree.engine.internal.linalg.LinearAlgebra;
import dev.covertree.engine.metric.Metric;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrepareTest {

    private static Path fixture(String name) throws Exception {
        return Path.of(PrepareTest.class.getResource("/prepare/" + name).toURI());
    }

    private static Kernel kernelOf(Path dir) throws Exception {
        String[] f = Files.readString(dir.resolve("case.txt")).trim().split(" ");
        return new Kernel(KernelType.valueOf(f[0].toUpperCase(java.util.Locale.ROOT)), Double.parseDouble(f[1]),
                Arrays.stream(f[2].split(",")).mapToDouble(Double::parseDouble).toArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rbf-ard", "matern32", "matern12", "matern52"})
    void vAndPAgreeWithNumpyToOneInAHundredMillionOnBothBackends(String name) throws Exception {
        Path dir = fixture(name);
        Kernel kernel = kernelOf(dir);
        try (NpyArray x = Npy.open(dir.resolve("coords.npy")); NpyArray ind = Npy.open(dir.resolve("inducing.npy"));
             NpyArray v = Npy.open(dir.resolve("v.npy")); NpyArray p = Npy.open(dir.resolve("p.npy"));
             Arena arena = Arena.ofShared()) {
            Matrix coords = Matrix.of("coords", x);
            long[] ids = new long[(int) ind.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ind.getLong(i);
            }
            long n = coords.rows();
            int m = ids.length;
            for (LinearAlgebra la : new LinearAlgebra[] {LinearAlgebra.best(), LinearAlgebra.java()}) {
                try (ResidualBasis basis = ResidualBasis.build(kernel, coords, Inducing.ids(ids), la)) {
                    assertArrayEquals(ids, basis.inducingIds());
                    MemorySegment vs = arena.allocate(8 * n * m);
                    MemorySegment ps = arena.allocate(8 * n);
                    basis.compute(coords, vs, NpyDType.F8, ps, 2, null);
                    for (long i = 0; i < n; i++) {
                        double rowNorm = 0;
                        for (int a = 0; a < m; a++) {
                            rowNorm = Math.max(rowNorm, Math.abs(v.getDouble(i, a)));
                        }
                        for (int a = 0; a < m; a++) {
                            double got = vs.getAtIndex(ValueLayout.JAVA_DOUBLE, i * m + a);
                            assertEquals(v.getDouble(i, a), got, 1e-8 * rowNorm, la.name() + " V[" + i + "," + a + "]");
                        }
                        double pe = p.getDouble(i);
                        assertEquals(pe, ps.getAtIndex(ValueLayout.JAVA_DOUBLE, i), 1e-8 * pe + 1e-15, la.name() + " p[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void theNativeBackendIsUsedWhereDebiansLibrariesAreInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/liblapacke.so.3"))
                && !"java".equals(System.getProperty("covertree.blas")), "liblapacke not installed");
        assertEquals("openblas", LinearAlgebra.best().name());
    }

    @Test
    void theOneCallPreparationGivesADatasetAndQueryPointsMatchTheirDatasetTwins() {
        double[][] x = TestData.normal(300, 2, 9);
        try (Arena arena = Arena.ofShared()) {
            Matrix coords = TestData.matrix(arena, "coords", x, NpyDType.F8);
            Matrix first10 = TestData.matrix(arena, "q", Arrays.copyOf(x, 10), NpyDType.F8);
            try (PreparedResidual r = PreparedResidual.prepare(coords, Kernel.of(KernelType.MATERN32, 1, 0.5),
                    Inducing.kmeansPlusPlus(40, 3), NpyDType.F4, 2);
                 PreparedResidual q = r.queries(first10, 1)) {
                assertEquals(40, r.basis().inducing());
                Dataset data = r.dataset();
                Metric cross = Metric.of(data, q.dataset());
                Metric self = Metric.of(data);
                for (int i = 0; i < 10; i++) {
                    for (int j = 0; j < 300; j += 7) {
                        if (i != j) {
                            assertEquals(self.distance(i, j), cross.distance(i, j), 0.0, "query " + i + " vs point " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void inducingChoicesAreSeededSortedAndDistinct() {
        try (Arena arena = Arena.ofConfined()) {
            Matrix coords = TestData.matrix(arena, "coords", TestData.normal(1000, 3, 1), NpyDType.F8);
            for (Inducing how : new Inducing[] {Inducing.random(100, 7), Inducing.kmeansPlusPlus(100, 7)}) {
                long[] a = how.choose(coords);
                assertArrayEquals(a, how.choose(coords), "same seed, same ids");
                assertEquals(100, Arrays.stream(a).distinct().count());
                for (int i = 1; i < a.length; i++) {
                    assertTrue(a[i - 1] < a[i]);
                }
            }
            assertTrue(!Arrays.equals(Inducing.random(100, 7).choose(coords), Inducing.random(100, 8).choose(coords)));
        }
    }

    private static void fails(String expected, Executable e) {
        InvalidInputException x = assertThrows(InvalidInputException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
    }

    @Test
    void badInputsGiveClearErrors() {
        Kernel k = Kernel.of(KernelType.RBF, 1, 1);
        try (Arena arena = Arena.ofConfined()) {
            double[][] x = TestData.normal(20, 2, 1);
            Matrix coords = TestData.matrix(arena, "coords.npy", x, NpyDType.F8);
            fails("cannot choose 21 inducing points", () -> ResidualBasis.build(k, coords, Inducing.random(21, 0)));
            fails("must be >= 1, got 0", () -> ResidualBasis.build(k, coords, Inducing.random(0, 0)));
            fails("inducing id 3 is given twice", () -> ResidualBasis.build(k, coords, Inducing.ids(new long[] {3, 1, 3})));
            fails("inducing id 20 is not a point id", () -> ResidualBasis.build(k, coords, Inducing.ids(new long[] {20})));
            x[4][0] = Double.NaN;
            Matrix bad = TestData.matrix(arena, "coords.npy", x, NpyDType.F8);
            fails("coords.npy: NaN at index (4, 0)", () -> ResidualBasis.build(k, bad, Inducing.random(3, 0)));
            fails("not positive definite", () -> ResidualBasis.build(k, coords, Inducing.random(3, 0), new LinearAlgebra() {
                @Override
                public int cholesky(MemorySegment a, int n) {
                    return 2;
                }

                @Override
                public void solveLowerTransposedRight(MemorySegment l, int m, MemorySegment b, int rows) {
                }

                @Override
                public String name() {
                    return "failing";
                }
            }));
        }
    }
}
