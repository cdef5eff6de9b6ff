package dev.covertree.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-GB file, mapped. Off by default (it writes 3 GiB); run with
 * {@code mvn verify -Dcovertree.large=true}.
 */
@EnabledIfSystemProperty(named = "covertree.large", matches = "true")
class LargeFileTest {

    @Test
    void aThreeGigabyteFileMapsAndItsLastElementIsReadable(@TempDir Path dir) throws Exception {
        long rows = 3L << 27; // x 8 columns of f4 = 3 GiB, past every int offset
        Path p = dir.resolve("big.npy");
        byte[] header = NpyHeader.encode(NpyDType.F4, new long[] {rows, 8});
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(header);
            f.setLength(header.length + rows * 8 * 4);
            f.seek(header.length + rows * 8 * 4 - 4);
            f.write(new byte[] {0, 0, (byte) 0x80, 0x3f}); // 1.0f little-endian
        }
        try (NpyArray a = Npy.open(p)) {
            assertTrue(a.isMapped());
            assertTrue(a.segment().byteSize() > Integer.MAX_VALUE);
            assertEquals(1.0, a.getDouble(rows - 1, 7));
            assertEquals(0.0, a.getDouble(rows / 2, 3));
        } finally {
            Files.deleteIfExists(p);
        }
    }
}
