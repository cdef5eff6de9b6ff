package dev.covertree.engine.internal.linalg;

import dev.covertree.engine.internal.vector.Ops;
import dev.covertree.engine.internal.vector.VectorOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The pure-Java fallback: textbook algorithms whose inner products run on the engine's vector kernels. */
public final class JavaLinearAlgebra implements LinearAlgebra {
    public static final JavaLinearAlgebra INSTANCE = new JavaLinearAlgebra();

    private JavaLinearAlgebra() {
    }

    @Override
    public int cholesky(MemorySegment a, int n) {
        VectorOps ops = Ops.IMPL;
        for (int j = 0; j < n; j++) {
            long rj = (long) j * n * 8;
            double s = a.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) j * n + j) - ops.dot(a, rj, a, rj, j, false);
            if (!(s > 0)) {
                return j + 1;
            }
            double ljj = Math.sqrt(s);
            a.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) j * n + j, ljj);
            for (int i = j + 1; i < n; i++) {
                long ri = (long) i * n * 8;
                double v = a.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * n + j) - ops.dot(a, ri, a, rj, j, false);
                a.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) i * n + j, v / ljj);
            }
        }
        return 0;
    }

    @Override
    public void solveLowerTransposedRight(MemorySegment l, int m, MemorySegment b, int rows) {
        VectorOps ops = Ops.IMPL;
        for (int r = 0; r < rows; r++) {
            long row = (long) r * m * 8;
            for (int a = 0; a < m; a++) {
                long la = (long) a * m * 8;
                double s = b.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * m + a) - ops.dot(l, la, b, row, a, false);
                b.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * m + a, s / l.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) a * m + a));
            }
        }
    }

    @Override
    public String name() {
        return "java";
    }
}
