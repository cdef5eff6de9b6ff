package dev.covertree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class KnnResultTest {
    @Test
    void aResultOnHugePagesStartsZeroedHoldsEveryRowAndIsFreedByClose() {
        // 24 MB an array: past the size where the arrays come from huge-page memory (NativeMemory)
        long queries = 100_000;
        int k = 30;
        KnnResult r = new KnnResult(queries, k, 2);
        assertEquals(queries * k * 8, r.indices().byteSize());
        assertEquals(queries * k * 8, r.distances().byteSize());
        for (long i = 0; i < queries * k; i += 4099) {
            assertEquals(0L, r.indices().getAtIndex(ValueLayout.JAVA_LONG, i));
            assertEquals(0.0, r.distances().getAtIndex(ValueLayout.JAVA_DOUBLE, i));
        }
        r.indices().setAtIndex(ValueLayout.JAVA_LONG, queries * k - 1, 7L);
        r.distances().setAtIndex(ValueLayout.JAVA_DOUBLE, queries * k - 1, 0.5);
        assertEquals(7L, r.index(queries - 1, k - 1));
        assertEquals(0.5, r.distance(queries - 1, k - 1));
        r.close();
        assertThrows(IllegalStateException.class, () -> r.index(0, 0));
    }

    @Test
    void anEmptyResultHasEmptyArrays() {
        try (KnnResult r = new KnnResult(0, 5)) {
            assertEquals(0, r.indices().byteSize());
            assertEquals(0, r.distances().byteSize());
        }
    }
}
