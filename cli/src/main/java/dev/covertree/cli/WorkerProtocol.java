package dev.covertree.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The bytes between a worker ({@code covertree serve}) and its client, one request per connection, all
 * integers big-endian:
 * <pre>
 * request: "CTW1", int32 argument count, then per argument int32 length and UTF-8 bytes
 *          (the arguments of one command, as on the command line)
 * reply:   frames of byte type, int32 length, payload:
 *          'O' standard output text, 'E' standard error text (UTF-8, as the command prints them),
 *          'X' the exit code (int32, length 4), the last frame
 * </pre>
 * Closing its sending side while a command runs (or disconnecting) cancels it: the command stops at its
 * next progress report, commits no output, and the reply ends with exit code {@value #EXIT_CANCELLED}.
 */
final class WorkerProtocol {
    /** The request's first bytes. */
    static final String MAGIC = "CTW1";
    /** Exit code of a cancelled request (as a shell reports a command stopped by SIGINT). */
    static final int EXIT_CANCELLED = 130;
    /** Most arguments, and most bytes of one argument, a request may carry. */
    static final int MAX_ARGS = 4096;
    static final int MAX_ARG_BYTES = 1 << 16;

    private WorkerProtocol() {
    }

    /**
     * Reads one request's arguments; fails on anything else. The bytes are read as they come, many fields
     * a read (one read a field cost a request a system call for each of its fifty-odd fields); the client
     * sends nothing after its request, so nothing of what follows is consumed.
     */
    static String[] readRequest(ReadableByteChannel in) throws IOException {
        RequestReader r = new RequestReader(in);
        byte[] magic = r.bytes(4);
        if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IOException("not a covertree worker request");
        }
        int n = r.int32();
        if (n < 0 || n > MAX_ARGS) {
            throw new IOException("a request of " + n + " arguments");
        }
        String[] args = new String[n];
        for (int i = 0; i < n; i++) {
            int len = r.int32();
            if (len < 0 || len > MAX_ARG_BYTES) {
                throw new IOException("an argument of " + len + " bytes");
            }
            args[i] = new String(r.bytes(len), StandardCharsets.UTF_8);
        }
        return args;
    }

    /** A request's bytes, read from the channel in as large pieces as it gives. */
    private static final class RequestReader {
        private final ReadableByteChannel in;
        private ByteBuffer buf = ByteBuffer.allocate(8192).flip();

        RequestReader(ReadableByteChannel in) {
            this.in = in;
        }

        int int32() throws IOException {
            need(4);
            return buf.getInt();
        }

        byte[] bytes(int n) throws IOException {
            need(n);
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        /** Makes {@code n} more bytes available, reading as many as the channel has. */
        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            if (buf.capacity() < n) {
                buf = ByteBuffer.allocate(Math.max(n, 2 * buf.capacity())).put(buf).flip();
            }
            buf.compact();
            while (buf.position() < n) {
                if (in.read(buf) < 0) {
                    throw new EOFException("the request ended early");
                }
            }
            buf.flip();
        }
    }

    /** Sends one frame; frames from several threads do not interleave. */
    static void writeFrame(WritableByteChannel out, byte type, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.put(type).putInt(payload.length).put(payload).flip();
        synchronized (out) {
            while (b.hasRemaining()) {
                out.write(b);
            }
        }
    }

    static void writeExit(WritableByteChannel out, int code) throws IOException {
        writeFrame(out, (byte) 'X', ByteBuffer.allocate(4).putInt(code).array());
    }

    /**
     * Text a command prints, sent as frames of {@code type} on each flush. A client that went away makes
     * writes fail; the text is then dropped (the command goes on to its cancellation check).
     */
    static final class FrameWriter extends Writer {
        private final WritableByteChannel channel;
        private final byte type;
        private final StringBuilder pending = new StringBuilder();

        FrameWriter(WritableByteChannel channel, char type) {
            this.channel = channel;
            this.type = (byte) type;
        }

        @Override
        public synchronized void write(char[] cbuf, int off, int len) {
            pending.append(cbuf, off, len);
        }

        @Override
        public synchronized void flush() {
            if (pending.isEmpty()) {
                return;
            }
            byte[] bytes = pending.toString().getBytes(StandardCharsets.UTF_8);
            pending.setLength(0);
            try {
                writeFrame(channel, type, bytes);
            } catch (IOException e) {
                // the client is gone: nobody reads this text any more
            }
        }

        @Override
        public void close() {
            flush();
        }
    }
}
