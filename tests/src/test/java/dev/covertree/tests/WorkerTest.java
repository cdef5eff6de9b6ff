package dev.covertree.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.cli.Main;
import dev.covertree.engine.internal.util.NativeMemory;
import dev.covertree.npy.NpyDType;
import dev.covertree.npy.NpyMappedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.ValueLayout;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code covertree serve} spoken to over its socket, as the Python package does (docs/worker.md). */
class WorkerTest {
    @TempDir
    static Path dir;
    private static Path socket;
    /** Every worker the tests start; all are stopped at the end (a worker sets process-wide state: kept memory). */
    private static final List<Thread> servers = new ArrayList<>();

    record Reply(int exit, String out, String err) {
    }

    @BeforeAll
    static void startWorker() throws Exception {
        socket = startServe("w");
        Cli.ok(Cli.run("generate", "--n", "3000", "--d", "2", "--out", dir.resolve("x.npy").toString(), "--quiet"));
        Cli.ok(Cli.run("generate", "--n", "40000", "--d", "3", "--out", dir.resolve("big.npy").toString(), "--quiet"));
    }

    /** A worker in a fresh private folder under {@code dir}; returns its socket once it listens. */
    private static Path startServe(String folderName, String... more) throws Exception {
        Path folder = Files.createDirectory(dir.resolve(folderName), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path sock = folder.resolve("socket");
        String[] args = Cli.concat(new String[] {"serve", "--socket", sock.toString(), "--idle-exit", "0", "--quiet"}, more);
        servers.add(Thread.ofPlatform().daemon().start(() -> Main.run(args, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()))));
        for (int i = 0; i < 500 && !Files.exists(sock); i++) {
            Thread.sleep(10);
        }
        return sock;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Thread t : servers) {
            t.interrupt();
        }
        for (Thread t : servers) {
            t.join(10_000);
        }
        assertEquals(0, NativeMemory.keptBytes(), "a stopped worker gives back the memory it kept");
    }

    private static String[] knn(String coords, String out, String... more) {
        return Cli.concat(new String[] {"knn", "--coords", dir.resolve(coords).toString(), "--metric", "euclidean",
                "--k", "7", "--out-indices", dir.resolve(out + "-i.npy").toString(), "--out-distances",
                dir.resolve(out + "-d.npy").toString()}, more);
    }

    private static SocketChannel send(String... args) throws IOException {
        return send(socket, args);
    }

    /**
     * Connects to the worker at {@code to} and sends a request. A worker just started has its socket file from
     * its bind, a moment before it listens: a connection refused then is tried again, for up to five seconds.
     */
    private static SocketChannel send(Path to, String... args) throws IOException {
        SocketChannel ch;
        for (int attempt = 1; ; attempt++) {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(to));
                break;
            } catch (ConnectException e) {
                ch.close();
                if (attempt == 500) {
                    throw e;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        ByteBuffer req = ByteBuffer.wrap(request(args));
        while (req.hasRemaining()) {
            ch.write(req);
        }
        return ch;
    }

    /** A request's bytes (docs/worker.md): "CTW1", the argument count, each argument's length and UTF-8 bytes. */
    private static byte[] request(String... args) {
        List<byte[]> parts = new ArrayList<>();
        int size = 8;
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            parts.add(b);
            size += 4 + b.length;
        }
        ByteBuffer req = ByteBuffer.allocate(size).put("CTW1".getBytes(StandardCharsets.US_ASCII)).putInt(args.length);
        for (byte[] b : parts) {
            req.putInt(b.length).put(b);
        }
        return req.array();
    }

    private static Reply reply(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        while (true) {
            ByteBuffer head = read(ch, 5);
            byte type = head.get();
            ByteBuffer body = read(ch, head.getInt());
            switch (type) {
                case 'X' -> {
                    return new Reply(body.getInt(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
                }
                case 'O' -> out.write(body.array(), 0, body.limit());
                case 'E' -> err.write(body.array(), 0, body.limit());
                default -> throw new AssertionError("frame type " + type);
            }
        }
    }

    private static ByteBuffer read(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("the worker closed the connection");
            }
        }
        return b.flip();
    }

    private static Reply call(String... args) throws IOException {
        try (SocketChannel ch = send(args)) {
            return reply(ch);
        }
    }

    @Test
    void repeatedRequestsWriteTheOneShotRunsFilesByteForByte() throws IOException {
        Cli.ok(Cli.run(knn("x.npy", "fresh", "--all", "--quiet")));
        for (int r = 0; r < 3; r++) {
            Reply rep = call(knn("x.npy", "warm" + r, "--all"));
            assertEquals(0, rep.exit(), rep.err());
            assertTrue(rep.out().contains("knn: 3000 queries"), rep.out());
            if (r > 0) {
                assertTrue(rep.out().contains("plan kept from an earlier request"), rep.out());
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("fresh-i.npy")), Files.readAllBytes(dir.resolve("warm" + r + "-i.npy")));
            assertArrayEquals(Files.readAllBytes(dir.resolve("fresh-d.npy")), Files.readAllBytes(dir.resolve("warm" + r + "-d.npy")));
        }
    }

    @Test
    void theKeptKnnCommandTakesEveryRequestsOwnOptionsAndNothingFromTheOneBefore() throws IOException {
        Path ids = dir.resolve("some-ids.npy");
        try (NpyMappedFile f = NpyMappedFile.create(ids, NpyDType.I8, new long[] {50}, false)) {
            for (int i = 0; i < 50; i++) {
                f.data().setAtIndex(ValueLayout.JAVA_LONG, i, 17L * i + 3);
            }
            f.commit();
        }
        String x = dir.resolve("x.npy").toString();
        // three differently set jobs, each once as a one-shot run and then twice through one worker, interleaved:
        // a quiet max-min predecessor job, a talkative one over query ids including the query itself, a quiet plain one
        String[][] jobs = {
            {"--k", "7", "--all", "--predecessor", "--order", "maxmin", "--quiet"},
            {"--k", "4", "--query-ids", ids.toString(), "--include-self", "--engine", "brute"},
            {"--k", "5", "--all", "--quiet", "--threads", "1"}};
        for (int j = 0; j < jobs.length; j++) {
            Cli.ok(Cli.run(Cli.concat(new String[] {"knn", "--coords", x, "--metric", "euclidean", "--out-indices",
                    dir.resolve("job" + j + "-i.npy").toString(), "--out-distances", dir.resolve("job" + j + "-d.npy").toString()}, jobs[j])));
        }
        for (int round = 0; round < 2; round++) {
            for (int j = 0; j < jobs.length; j++) {
                String tag = "kept" + round + "-" + j;
                Reply rep = call(Cli.concat(new String[] {"knn", "--coords", x, "--metric", "euclidean", "--out-indices",
                        dir.resolve(tag + "-i.npy").toString(), "--out-distances", dir.resolve(tag + "-d.npy").toString()}, jobs[j]));
                assertEquals(0, rep.exit(), rep.err());
                boolean quiet = List.of(jobs[j]).contains("--quiet");
                assertEquals(quiet, rep.out().isEmpty(), tag + ": " + rep.out());
                if (!quiet) {
                    assertTrue(rep.out().contains("knn: 50 queries, k = 4") && rep.out().contains("engine brute"), rep.out());
                }
                assertArrayEquals(Files.readAllBytes(dir.resolve("job" + j + "-i.npy")), Files.readAllBytes(dir.resolve(tag + "-i.npy")), tag);
                assertArrayEquals(Files.readAllBytes(dir.resolve("job" + j + "-d.npy")), Files.readAllBytes(dir.resolve(tag + "-d.npy")), tag);
            }
        }
    }

    @Test
    void aRepeatedCommandLineAnswersAsOftenAsItIsSentAndLinesInBetweenTakeTheirOwnOptions() throws IOException {
        // the worker runs a line equal to the last successful one without parsing it again; any other line, even
        // one that then fails, is parsed, and so is the repeated line after it
        Cli.ok(Cli.run(knn("x.npy", "ref-plain", "--all", "--quiet")));
        Cli.ok(Cli.run(knn("x.npy", "ref-self", "--all", "--include-self", "--quiet")));
        String[] plain = knn("x.npy", "again", "--all", "--quiet");
        String[] self = knn("x.npy", "again-self", "--all", "--include-self", "--quiet");
        answers(plain, "again", "ref-plain");
        answers(plain, "again", "ref-plain");
        Files.write(dir.resolve("again-self-i.npy"), new byte[0]);
        for (String[] refused : List.of(plain, plain, self)) {
            if (refused == plain) {
                Files.write(dir.resolve("again-i.npy"), new byte[0]);
            }
            Reply rep = call(refused);
            assertEquals(2, rep.exit(), rep.err());
            assertTrue(rep.err().contains("exists"), rep.err());
            Files.deleteIfExists(dir.resolve("again-i.npy"));
        }
        Files.delete(dir.resolve("again-self-i.npy"));
        answers(plain, "again", "ref-plain");
        answers(self, "again-self", "ref-self");
        answers(plain, "again", "ref-plain");
        answers(plain, "again", "ref-plain");
    }

    /** Sends {@code line}, checks that it wrote the files {@code out-i/d.npy} equal to {@code ref}'s, and deletes them. */
    private static void answers(String[] line, String out, String ref) throws IOException {
        Reply rep = call(line);
        assertEquals(0, rep.exit(), rep.err());
        for (String part : List.of("-i.npy", "-d.npy")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(ref + part)), Files.readAllBytes(dir.resolve(out + part)), out + part);
            Files.delete(dir.resolve(out + part));
        }
    }

    @Test
    void inputsWhoseFileWasDeletedAreClosedAfterTheNextRequestAndTheirMappingGoes() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        Assumptions.assumeTrue(Files.isReadable(maps), "needs Linux's /proc/self/maps");
        Path gone = Files.copy(dir.resolve("x.npy"), dir.resolve("gone.npy"));
        Reply first = call(knn("gone.npy", "gone", "--all"));
        assertEquals(0, first.exit(), first.err());
        Files.delete(gone);
        assertTrue(Files.readString(maps).contains(gone + " (deleted)"), "the kept inputs map the file");
        Files.copy(dir.resolve("x.npy"), dir.resolve("next.npy"));
        Reply next = call(knn("next.npy", "afterGone", "--all"));
        assertEquals(0, next.exit(), next.err());
        assertFalse(Files.readString(maps).contains(gone.toString()), "a file that is gone can never be asked for again");
        assertArrayEquals(Files.readAllBytes(dir.resolve("gone-i.npy")), Files.readAllBytes(dir.resolve("afterGone-i.npy")));
    }

    @Test
    void pastItsMemoryBudgetAWorkerKeepsNothingAndStillAnswersTheSame() throws Exception {
        Path small = startServe("small", "--cache-memory", "1k");
        for (int r = 0; r < 2; r++) {
            Reply rep;
            try (SocketChannel ch = send(small, knn("x.npy", "budget" + r, "--all"))) {
                rep = reply(ch);
            }
            assertEquals(0, rep.exit(), rep.err());
            assertFalse(rep.out().contains("plan kept"), "inputs over the budget are closed after their request");
            assertArrayEquals(Files.readAllBytes(dir.resolve("budget0-i.npy")), Files.readAllBytes(dir.resolve("budget" + r + "-i.npy")));
        }
    }

    @Test
    void aFailingRequestIsItsOwnExitCodeAndTheWorkerStaysUp() throws IOException {
        Reply bad = call(knn("missing.npy", "bad", "--all"));
        assertEquals(3, bad.exit(), bad.err());
        assertTrue(bad.err().startsWith("covertree: ") && bad.err().contains("missing.npy"), bad.err());
        Reply usage = call("knn", "--k", "0");
        assertEquals(2, usage.exit());
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            int got;
            try {
                got = ch.read(ByteBuffer.allocate(16));
            } catch (java.net.SocketException reset) {
                got = -1; // closed with the request unread: a reset
            }
            assertEquals(-1, got, "a request in another protocol is closed unanswered");
        }
        assertEquals(2, call("serve", "--socket", "/tmp/nested").exit(), "a worker does not start workers");
        assertEquals(0, call(knn("x.npy", "after", "--all")).exit());
    }

    @Test
    void closingTheSendingSideCancelsTheRequestAndCommitsNoOutput() throws Exception {
        SocketChannel ch = send(knn("big.npy", "cancelled", "--all", "--engine", "scan"));
        Thread.sleep(1000);
        ch.shutdownOutput();
        long t0 = System.nanoTime();
        Reply r = reply(ch);
        ch.close();
        assertEquals(130, r.exit(), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "the request stopped soon after");
        assertFalse(Files.exists(dir.resolve("cancelled-i.npy")) || Files.exists(dir.resolve("cancelled-d.npy")));
        try (var left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("cancelled")), "no partial file is left");
        }
        assertEquals(0, call(knn("x.npy", "next", "--all")).exit(), "the worker answers the next request");
    }

    @Test
    void aRequestArrivingInSmallPiecesWithAnArgumentLongerThanTheReadersBufferIsReadWhole() throws Exception {
        String longValue = "x".repeat(20_000);
        byte[] bytes = request(knn("x.npy", "pieces", "--all", "--engine", longValue));
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            for (int at = 0, piece = 0; at < bytes.length; piece++) {
                // pieces of 1 to 7 bytes, now and then a pause, so that the worker reads the fields in fragments
                int n = Math.min(bytes.length - at, 1 + piece % 7);
                ByteBuffer b = ByteBuffer.wrap(bytes, at, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                at += n;
                if (piece % 500 == 0) {
                    Thread.sleep(2);
                }
            }
            Reply r = reply(ch);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("--engine") && r.err().contains(longValue), "the whole argument arrived");
        }
        assertEquals(0, call(knn("x.npy", "after-pieces", "--all")).exit());
    }
}
