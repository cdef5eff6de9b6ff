package dev.covertree.cli;

import dev.covertree.engine.internal.util.MemoryLimit;
import dev.covertree.engine.internal.util.Parallel;
import dev.covertree.engine.internal.vector.Ops;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code covertree serve}: one long-lived JVM that runs commands sent over a Unix-domain socket
 * ({@link WorkerProtocol}), keeping its compiled code and, for {@code knn}, the loaded inputs and the trees
 * built over them ({@link InputsCache}) between requests. Local only: the socket lives in a folder only its
 * owner can enter, and connections from another user are refused. Requests run one at a time; one
 * request's failure is its own exit code, the worker stays up.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run as a worker: execute commands (knn, prepare, ...) sent over a Unix-domain socket, keeping the "
                + "JVM's compiled code, loaded arrays and built trees between requests. The Python package starts one per "
                + "process; see docs/worker.md for the protocol.",
                "Inputs are kept by their settings and the identity of their files (a file rewritten in place is read "
                        + "again), least recently used first out past --cache-memory."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (idle, parent ended)", "1:internal error", "2:usage error (the socket's folder is not private, ...)"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--socket", required = true, paramLabel = "PATH",
            description = "The socket to create. Its folder must exist, belong to you and be closed to everyone else (mode 0700).")
    Path socket;

    @Option(names = "--parent-pid", paramLabel = "PID", description = "Stop when this process ends.")
    Long parentPid;

    @Option(names = "--idle-exit", paramLabel = "SECONDS", defaultValue = "600",
            description = "Stop after this many seconds without a request; 0: never (default: ${DEFAULT-VALUE}).")
    long idleExit;

    @Option(names = "--cache-memory", paramLabel = "SIZE",
            description = "Memory kept for inputs and trees between requests, e.g. 512m or 4g (default: a quarter of the memory available when the worker starts, container limits included).")
    String cacheMemory;

    @Option(names = "--quiet", description = "Print nothing but errors (the requests' own output goes to their clients).")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Object oneAtATime = new Object();
    private volatile long lastRequestEnd = System.nanoTime();
    private volatile boolean busy;
    /**
     * The threads that serve connections and watch for a client going away, kept between requests (daemon
     * threads, each ended after a minute unused): starting two threads cost a short request a good part of
     * its time.
     */
    private final ExecutorService connections = Parallel.keptThreads("covertree-request-");

    @Override
    public Integer call() throws Exception {
        if (idleExit < 0) {
            throw new UsageException("--idle-exit must be >= 0, got " + idleExit);
        }
        long budget = cacheMemory == null ? MemoryLimit.available() / 4 : parseSize(cacheMemory);
        // its requests share one JIT: the vector kernels, once compiled, are the faster for every job
        Ops.expectManyJobs();
        Path sock = socket.toAbsolutePath();
        UserPrincipal me = checkPrivateFolder(sock.getParent());
        if (Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
            removeStale(sock);
        }
        PrintWriter err = spec.commandLine().getErr();
        try (InputsCache cache = new InputsCache(budget);
             ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
            // a worker stopped by a signal (the package's close, Ctrl-C) takes its socket with it too
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(sock);
                } catch (IOException e) {
                    // the folder may be gone already
                }
            }));
            WorkerCommands commands = new WorkerCommands(cache);
            watch(server);
            if (!quiet) {
                err.printf("covertree serve: listening on %s (pid %d, cache %d MiB)%n", sock, ProcessHandle.current().pid(),
                        budget >> 20);
                err.flush();
            }
            while (true) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (ClosedChannelException e) {
                    break;
                }
                connections.execute(() -> handle(ch, me, commands));
            }
        } finally {
            Files.deleteIfExists(sock);
        }
        return 0;
    }

    /** Runs one connection's request and replies; a client that goes away cancels its request. */
    private void handle(SocketChannel ch, UserPrincipal me, WorkerCommands commands) {
        try (ch) {
            UserPrincipal peer = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
            if (!peer.equals(me)) {
                return;
            }
            String[] args = WorkerProtocol.readRequest(ch);
            Cancellation cancellation = new Cancellation();
            connections.execute(() -> {
                // the client sends nothing after its request: end of stream means it closed or went away
                ByteBuffer b = ByteBuffer.allocate(64);
                try {
                    while (ch.read(b) >= 0) {
                        b.clear();
                    }
                } catch (IOException e) {
                    // closed under us at the end of the request, or reset by the client
                }
                cancellation.cancel();
            });
            PrintWriter out = new PrintWriter(new WorkerProtocol.FrameWriter(ch, 'O'), true);
            PrintWriter err = new PrintWriter(new WorkerProtocol.FrameWriter(ch, 'E'), true);
            int code;
            synchronized (oneAtATime) {
                busy = true;
                try {
                    code = args.length > 0 && args[0].equals("serve") ? refuse(err)
                            : cancellation.cancelled() ? WorkerProtocol.EXIT_CANCELLED
                            : commands.run(args, out, err, cancellation);
                } finally {
                    busy = false;
                    lastRequestEnd = System.nanoTime();
                }
            }
            out.flush();
            err.flush();
            WorkerProtocol.writeExit(ch, code);
        } catch (IOException e) {
            // a malformed request or a client gone before its reply: nothing to answer
        }
    }

    private static int refuse(PrintWriter err) {
        err.println("covertree: a worker does not run 'serve'");
        err.flush();
        return Main.EXIT_USAGE;
    }

    /** Closes the server (which ends {@link #call}) once the parent has ended or the worker has been idle too long. */
    private void watch(ServerSocketChannel server) {
        ProcessHandle parent = parentPid == null ? null : ProcessHandle.of(parentPid).orElse(null);
        if (parentPid != null && parent == null) {
            throw new UsageException("--parent-pid " + parentPid + ": no such process");
        }
        Thread.ofPlatform().daemon().name("covertree-serve-watch").start(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                boolean orphan = parent != null && !parent.isAlive();
                boolean idle = idleExit > 0 && !busy && System.nanoTime() - lastRequestEnd > idleExit * 1_000_000_000L;
                if (orphan || idle) {
                    try {
                        server.close();
                    } catch (IOException e) {
                        // closing is all that is left to do
                    }
                    if (orphan) {
                        // a request may still run for a client that is gone: do not wait for it
                        Runtime.getRuntime().halt(0);
                    }
                    return;
                }
            }
        });
    }

    /**
     * A socket file left by a worker that died without removing it (nobody answers on it) is removed; one a
     * worker still listens on, or a file that is not a socket, is refused.
     */
    private void removeStale(Path sock) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(sock));
            throw new UsageException("--socket " + socket + ": a worker already listens there");
        } catch (java.net.SocketException e) {
            if (!Files.readAttributes(sock, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new UsageException("--socket " + socket + " exists and is not a socket");
            }
            Files.delete(sock);
        }
    }

    /** The socket's folder: it must belong to this process's user and be closed to group and others. */
    private UserPrincipal checkPrivateFolder(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UsageException("--socket " + socket + ": the folder " + dir + " does not exist");
        }
        UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        boolean open = perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
        if (!owner.equals(me) || open) {
            throw new UsageException("--socket " + socket + ": the folder " + dir + " must belong to " + me.getName()
                    + " and be closed to everyone else (mode 0700); it is " + owner.getName() + "'s, "
                    + PosixFilePermissions.toString(perms));
        }
        return me;
    }

    /** A size like {@code 512m}, {@code 4g} or a number of bytes. */
    static long parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            long v = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (v < 0 || v > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw new UsageException("--cache-memory: '" + text + "' is not a size (e.g. 512m, 4g)");
        }
    }
}
