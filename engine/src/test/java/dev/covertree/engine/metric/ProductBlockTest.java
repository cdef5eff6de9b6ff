package dev.covertree.engine.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.internal.linalg.MatrixProduct;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pieces of the BLAS brute force that the engine-level exactness tests cannot single out. */
class ProductBlockTest {

    @Test
    void aSquareAboveNearOfAnotherHasTheLargerSquareRoot() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 2_000_000; i++) {
            double h = i % 3 == 0 ? rnd.nextDouble() : Math.scalb(rnd.nextDouble(), -rnd.nextInt(1070));
            // l just above near(h), by a few ulps: its root must exceed h's
            double l = Math.nextUp(ProductBlock.near(h));
            for (int step = 0; step < 3; step++, l = Math.nextUp(l)) {
                assertTrue(Math.sqrt(l) > Math.sqrt(h), "h = " + h + ", l = " + l);
            }
        }
        assertEquals(Double.POSITIVE_INFINITY, ProductBlock.near(Double.POSITIVE_INFINITY));
    }

    @Test
    void theBlockGrowsWithTheQueriesPerThreadUpToItsLimit() {
        assertEquals(8, ProductBlock.block(1, 512, 4));
        assertEquals(512, ProductBlock.block(1024, 512, 2));
        assertEquals(ProductBlock.MAX_BLOCK, ProductBlock.block(1 << 20, 512, 2));
        assertEquals(0, ProductBlock.block(1001, 512, 3) % 8);
        // many V columns: the block's packed rows stay within their budget
        assertEquals(256, ProductBlock.block(1 << 20, 2048, 2));
        assertEquals(8, ProductBlock.block(1 << 20, 1 << 20, 2));
    }

    /** Where Debian's OpenBLAS is installed (as .ci/setup installs it) the brute force must reach it. */
    @Test
    void theBlasProductIsFoundWhereOpenBlasIsInstalledAndMultiplies() {
        boolean installed = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libopenblas.so.0"));
        MatrixProduct product = MatrixProduct.blas();
        if (!installed && product == null) {
            return;
        }
        assertNotNull(product, "OpenBLAS is installed but cblas_dgemm was not reached");
        int rows = 5;
        int cols = 7;
        int n = 33;
        double[] a = new double[rows * n];
        double[] b = new double[cols * n];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble(-1, 1);
        }
        int ldc = 9;
        double[] c = new double[rows * ldc];
        product.multiplyTransposed(a, 0, rows, b, cols, n, c, 0, ldc);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double want = 0;
                for (int u = 0; u < n; u++) {
                    want += a[r * n + u] * b[j * n + u];
                }
                assertEquals(want, c[r * ldc + j], 1e-13, "entry " + r + ", " + j);
            }
        }
    }
}
