package dev.covertree.npy;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The element types this library reads and writes, named as NumPy names them. */
public enum NpyDType {
    /** 32-bit IEEE float ({@code float32}). */
    F4('f', 4, ValueLayout.JAVA_FLOAT_UNALIGNED),
    /** 64-bit IEEE float ({@code float64}). */
    F8('f', 8, ValueLayout.JAVA_DOUBLE_UNALIGNED),
    /** 32-bit signed integer ({@code int32}). */
    I4('i', 4, ValueLayout.JAVA_INT_UNALIGNED),
    /** 64-bit signed integer ({@code int64}). */
    I8('i', 8, ValueLayout.JAVA_LONG_UNALIGNED),
    /** unsigned byte ({@code uint8}). */
    U1('u', 1, ValueLayout.JAVA_BYTE),
    /** boolean stored as one byte, 0 or 1 ({@code bool}). */
    B1('b', 1, ValueLayout.JAVA_BYTE);

    private final char kind;
    private final int itemSize;
    private final ValueLayout layout;

    NpyDType(char kind, int itemSize, ValueLayout layout) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.layout = layout;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** True for {@link #F4} and {@link #F8}. */
    public boolean isFloating() {
        return kind == 'f';
    }

    /** The NumPy type code without byte order, for example {@code "f8"}. */
    public String code() {
        return "" + kind + itemSize;
    }

    /** The NumPy {@code descr} string for this machine's byte order, as this library writes it. */
    public String descr() {
        String order = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "<" : ">";
        return (itemSize == 1 ? "|" : order) + code();
    }

    /** The unaligned, native-order layout of one element. */
    ValueLayout layout() {
        return layout;
    }

    /** Finds the dtype for a type code such as {@code "f8"}, or null. */
    static NpyDType ofCode(String code) {
        for (NpyDType t : values()) {
            if (t.code().equals(code)) {
                return t;
            }
        }
        return null;
    }

    static String supportedCodes() {
        return Arrays.stream(values()).map(NpyDType::code).collect(Collectors.joining(", "));
    }
}
