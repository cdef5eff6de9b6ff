package dev.covertree.engine.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpsSelectionTest {
    @Test
    void theSystemPropertyChoosesTheKernelImplementation() {
        boolean vector = !"false".equals(System.getProperty("covertree.vector"));
        assertEquals(vector, Ops.IMPL.name().startsWith("panama"), Ops.IMPL.name());
    }

    @Test
    void aShortEuclideanJobInFewDimensionsTakesTheScalarKernelsUnlessTheProcessExpectsManyJobs() {
        int few = Math.min(3, Ops.IMPL.plainBelow() - 1);
        assertEquals("scalar", Ops.forEuclidean(few, Ops.SHORT_EUCLIDEAN, false).name());
        assertEquals(Ops.IMPL, Ops.forEuclidean(few, Ops.SHORT_EUCLIDEAN + 1, false));
        assertEquals(Ops.IMPL, Ops.forEuclidean(few, 1000, true));
        if (Ops.IMPL.plainBelow() < Integer.MAX_VALUE) {
            // from plainBelow dimensions the two sets sum in different orders: the process's own set, always
            assertEquals(Ops.IMPL, Ops.forEuclidean(Ops.IMPL.plainBelow(), 1000, false));
        }
    }
}
