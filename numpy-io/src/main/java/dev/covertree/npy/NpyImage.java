package dev.covertree.npy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Turns the bytes of a whole {@code .npy} file (mapped, or inflated from an archive) into an array:
 * a slice when the bytes are native C order, otherwise one conversion into {@code arena}.
 */
final class NpyImage {
    private NpyImage() {
    }

    static NpyArray toArray(MemorySegment image, String source, Arena arena, Arena owned, boolean imageIsFile,
                            NpyReadOptions options) throws NpyFormatException {
        NpyHeader h = NpyHeader.parse(image, source);
        MemorySegment data = image.asSlice(h.dataOffset(), h.dataBytes());
        if (h.isNativeCOrder()) {
            if (imageIsFile && options.hint() != null) {
                Madvise.advise(data, options.hint());
            }
            return new NpyArray(source, h.dtype(), h.shape(), data, owned, imageIsFile);
        }
        if (!options.allowCopy()) {
            throw new NpyFormatException(source, "cannot be mapped without a copy ("
                    + (h.fortranOrder() ? "Fortran order" : "byte order " + h.byteOrder()) + ") and copying was not allowed");
        }
        MemorySegment copy = arena.allocate(h.dataBytes(), 64);
        convert(data, copy, h);
        return new NpyArray(source, h.dtype(), h.shape(), copy, owned, false);
    }

    /** Copies {@code src} (the file's byte order and memory order) into {@code dst} as native C order. */
    private static void convert(MemorySegment src, MemorySegment dst, NpyHeader h) {
        ValueLayout dstLayout = h.dtype().layout();
        ValueLayout srcLayout = dstLayout.withOrder(h.byteOrder());
        long item = h.dtype().itemSize();
        long n = h.elementCount();
        if (!h.fortranOrder()) {
            MemorySegment.copy(src, srcLayout, 0, dst, dstLayout, 0, n);
            return;
        }
        // walk the destination in C order, keeping the Fortran-order source offset in step
        long[] shape = h.shape();
        int nd = shape.length;
        long[] fStride = new long[nd];
        long s = item;
        for (int a = 0; a < nd; a++) {
            fStride[a] = s;
            s *= shape[a];
        }
        long[] idx = new long[nd];
        long srcOff = 0;
        long inner = shape[nd - 1];
        long innerStride = fStride[nd - 1];
        for (long dstOff = 0; dstOff < n * item; ) {
            MemorySegment.copy(src, srcLayout, srcOff, dst, dstLayout, dstOff, 1);
            dstOff += item;
            if (++idx[nd - 1] < inner) {
                srcOff += innerStride;
                continue;
            }
            int a = nd - 1;
            while (a > 0 && idx[a] == shape[a]) {
                srcOff -= (idx[a] - 1) * fStride[a];
                idx[a] = 0;
                a--;
                idx[a]++;
                if (idx[a] < shape[a]) {
                    srcOff += fStride[a];
                }
            }
        }
    }
}
