package dev.covertree.engine.internal.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpsSelectionTest {
    @Test
    void theSystemPropertyChoosesTheKernelImplementation() {
        boolean vector = !"false".equals(System.getProperty("covertree.vector"));
        assertEquals(vector, Ops.IMPL.name().startsWith("panama"), Ops.IMPL.name());
    }
}
