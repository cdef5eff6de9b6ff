package dev.covertree.npy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: format version, dtype, byte order, memory order and shape, and
 * where the data starts. Parsing is strict: anything NumPy would not write is an error that names the
 * file.
 *
 * @param version      format major version, 1, 2 or 3
 * @param dtype        element type
 * @param byteOrder    byte order of the elements in the file
 * @param fortranOrder true when the file stores the array in column-major (Fortran) order
 * @param shape        dimensions; empty for a 0-d array
 * @param dataOffset   byte offset of the first element from the start of the file
 */
public record NpyHeader(int version, NpyDType dtype, ByteOrder byteOrder, boolean fortranOrder, long[] shape,
                        long dataOffset) {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy pads the header so that the data starts on this boundary. */
    static final int ALIGN = 64;
    /** How many leading bytes {@link #parse(MemorySegment, long, String)} needs for any header numpy writes. */
    public static final int PREFIX_BYTES = 1 << 16;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a 0-d array). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes of data the header promises. */
    public long dataBytes() {
        return elementCount() * dtype.itemSize();
    }

    /** True when the bytes in the file are already a native-order, C-order array. */
    public boolean isNativeCOrder() {
        boolean orderOk = byteOrder == ByteOrder.nativeOrder() || dtype.itemSize() == 1;
        return orderOk && (!fortranOrder || nonTrivialDims() <= 1);
    }

    private int nonTrivialDims() {
        int n = 0;
        for (long d : shape) {
            if (d > 1) {
                n++;
            }
        }
        return n;
    }

    /** Parses the header at the start of {@code file}, a view of the whole file. */
    static NpyHeader parse(MemorySegment file, String source) throws NpyFormatException {
        return parse(file, file.byteSize(), source);
    }

    /**
     * Parses the header at the start of {@code head}, the first bytes of a file of {@code size} bytes
     * (for a file read through a stream, not mapped: HDFS or S3 through Hadoop's FileSystem API). The
     * prefix must hold the whole header; {@link #PREFIX_BYTES} always do for headers numpy writes.
     *
     * @throws NpyFormatException when it is not a readable array, or the file is too short for its data
     */
    public static NpyHeader parse(MemorySegment head, long size, String source) throws NpyFormatException {
        MemorySegment file = head;
        if (size < 10) {
            throw new NpyFormatException(source, "not a .npy file (only " + size + " bytes, too short for a header)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new NpyFormatException(source, "not a .npy file (bad magic string)");
            }
        }
        int major = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 6));
        int minor = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 7));
        if ((major < 1 || major > 3) || minor != 0) {
            throw new NpyFormatException(source, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long prefix;
        long headerLen;
        if (major == 1) {
            prefix = 10;
            headerLen = Short.toUnsignedLong(file.get(u16, 8));
        } else {
            if (size < 12) {
                throw new NpyFormatException(source, "truncated header");
            }
            prefix = 12;
            headerLen = Integer.toUnsignedLong(file.get(u32, 8));
        }
        long dataOffset = prefix + headerLen;
        if (dataOffset > file.byteSize() && dataOffset <= size) {
            throw new NpyFormatException(source, "header of " + headerLen + " bytes is longer than the " + file.byteSize()
                    + " bytes read for it");
        }
        if (dataOffset > size) {
            throw new NpyFormatException(source, "truncated header (header says " + headerLen + " bytes, file has "
                    + (size - prefix) + ")");
        }
        byte[] text = file.asSlice(prefix, headerLen).toArray(ValueLayout.JAVA_BYTE);
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = fromDict(dict, major, dataOffset, source);
        long need = dataOffset + h.dataBytes();
        if (size < need) {
            throw new NpyFormatException(source, "truncated data: shape " + shapeString(h.shape) + " of "
                    + h.dtype.code() + " needs " + h.dataBytes() + " bytes after the header, the file has "
                    + (size - dataOffset));
        }
        return h;
    }

    private static NpyHeader fromDict(String text, int major, long dataOffset, String source)
            throws NpyFormatException {
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).parseDict();
        } catch (IllegalArgumentException e) {
            throw new NpyFormatException(source, "malformed header: " + e.getMessage());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new NpyFormatException(source, dict.get("descr") == null ? "malformed header: no 'descr'"
                    : "unsupported dtype " + dict.get("descr") + " (structured dtypes are not supported; supported: "
                    + NpyDType.supportedCodes() + ")");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new NpyFormatException(source, "malformed header: 'fortran_order' must be True or False");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new NpyFormatException(source, "malformed header: 'shape' must be a tuple of integers");
        }
        if (dict.size() != 3) {
            throw new NpyFormatException(source, "malformed header: unexpected keys in " + dict.keySet());
        }
        if (descr.length() < 2) {
            throw new NpyFormatException(source, "unsupported dtype '" + descr + "'");
        }
        char order = descr.charAt(0);
        String code = "<>|=".indexOf(order) >= 0 ? descr.substring(1) : descr;
        if (code.startsWith("O")) {
            throw new NpyFormatException(source, "object arrays (dtype '" + descr + "') cannot be read");
        }
        NpyDType dtype = NpyDType.ofCode(code);
        if (dtype == null) {
            throw new NpyFormatException(source, "unsupported dtype '" + descr + "' (supported: "
                    + NpyDType.supportedCodes() + ")");
        }
        ByteOrder bo = switch (order) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '<' -> ByteOrder.LITTLE_ENDIAN;
            default -> ByteOrder.nativeOrder();
        };
        long bytes = dtype.itemSize();
        for (long d : shape) {
            try {
                bytes = Math.multiplyExact(bytes, d);
            } catch (ArithmeticException e) {
                throw new NpyFormatException(source, "shape " + shapeString(shape) + " overflows a 64-bit size");
            }
        }
        return new NpyHeader(major, dtype, bo, fortran, shape, dataOffset);
    }

    /** Encodes a header for a C-order little-endian array; the result's length is a multiple of 64. */
    static byte[] encode(NpyDType dtype, long[] shape) {
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + shapeString(shape)
                + ", }";
        byte[] body = dict.getBytes(StandardCharsets.ISO_8859_1);
        int prefix = body.length + 1 + 10 < 65536 ? 10 : 12;
        int total = (prefix + body.length + 1 + ALIGN - 1) / ALIGN * ALIGN;
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) (prefix == 10 ? 1 : 2);
        int headerLen = total - prefix;
        out[8] = (byte) headerLen;
        out[9] = (byte) (headerLen >>> 8);
        if (prefix == 12) {
            out[10] = (byte) (headerLen >>> 16);
            out[11] = (byte) (headerLen >>> 24);
        }
        System.arraycopy(body, 0, out, prefix, body.length);
        for (int i = prefix + body.length; i < total - 1; i++) {
            out[i] = ' ';
        }
        out[total - 1] = '\n';
        return out;
    }

    /** Python's spelling of a shape tuple: {@code ()}, {@code (3,)}, {@code (3, 4)}. */
    static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** A parser for the small Python-literal subset NumPy writes: a dict of str keys to str, bool, int tuple. */
    private static final class DictParser {
        private final String s;
        private int pos;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parseDict() {
            Map<String, Object> map = new HashMap<>();
            skipSpace();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                Object key = value();
                if (!(key instanceof String k)) {
                    throw new IllegalArgumentException("dictionary keys must be strings");
                }
                expect(':');
                if (map.put(k, value()) != null) {
                    throw new IllegalArgumentException("duplicate key '" + k + "'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at column " + pos);
                }
            }
            skipSpace();
            if (pos != s.length()) {
                throw new IllegalArgumentException("unexpected text after the dictionary");
            }
            return map;
        }

        private Object value() {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string");
                }
                String v = s.substring(pos + 1, end);
                pos = end + 1;
                return v;
            }
            if (c == '(') {
                pos++;
                List<Long> dims = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (peek() == ')') {
                        pos++;
                        break;
                    }
                    dims.add(integer());
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() != ')') {
                        throw new IllegalArgumentException("expected ',' or ')' in the shape");
                    }
                }
                return dims.stream().mapToLong(Long::longValue).toArray();
            }
            if (c == '[') {
                int depth = 0;
                int start = pos;
                do {
                    char d = peek();
                    depth += d == '[' ? 1 : d == ']' ? -1 : 0;
                    pos++;
                } while (depth > 0);
                return List.of(s.substring(start, pos));
            }
            for (String word : new String[] {"True", "False"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("True");
                }
            }
            throw new IllegalArgumentException("unexpected character '" + c + "' at column " + pos);
        }

        private long integer() {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("expected an integer in the shape at column " + pos);
            }
            long v;
            try {
                v = Long.parseLong(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dimension " + s.substring(start, pos) + " is too large");
            }
            if (pos < s.length() && s.charAt(pos) == 'L') {
                pos++;
            }
            return v;
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at column " + pos);
            }
            pos++;
        }

        private char peek() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("header ends too early");
            }
            return s.charAt(pos);
        }

        /**
         * Skips what Python's tokenizer takes for blanks between tokens (space, tab, form feed, line ends);
         * not every character Java calls whitespace (such as the control characters 0x1c-0x1f), which make
         * NumPy refuse the header.
         */
        private void skipSpace() {
            while (pos < s.length() && " \t\f\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }
    }
}
