package dev.covertree.npy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * A segment's bytes as a {@link ByteBuffer}, for channel writes and checksums: a view where the segment has
 * one (native memory, a mapping, a {@code byte[]}), a copy for a heap segment over another primitive array
 * (a small {@link NpyMappedFile}'s data is a {@code long[]}, which no buffer can view).
 */
final class SegmentBytes {
    private SegmentBytes() {
    }

    /** The bytes of {@code s} (at most 2 GiB) as a buffer positioned at 0. */
    static ByteBuffer of(MemorySegment s) {
        boolean viewable = s.isNative() || s.heapBase().map(base -> base instanceof byte[]).orElse(true);
        return viewable ? s.asByteBuffer() : ByteBuffer.wrap(s.toArray(ValueLayout.JAVA_BYTE));
    }
}
