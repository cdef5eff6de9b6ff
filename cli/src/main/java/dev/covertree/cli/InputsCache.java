package dev.covertree.cli;

import dev.covertree.engine.internal.util.NativeMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker's inputs kept between requests, with what was derived from them (orderings, plans and their
 * trees): keyed by the job's data settings and the identity of every file they read, the least recently
 * used closed once the total passes the memory budget. Inputs one of whose files has since been deleted or
 * rewritten can never be asked for again (the key holds the file's identity) and are closed at the end of the
 * next request: in a loop whose every call brings new arrays, the Python package deletes its oldest array files,
 * and their trees go with them. The budget left over keeps the memory of what closes
 * ({@link NativeMemory#keepFreed}) for the next request's trees, which would otherwise take memory new to the
 * process, slow at its first touch. Used by one request at a time.
 */
final class InputsCache implements AutoCloseable {
    private final long budget;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean lastWasHit;

    /** Kept inputs and the identity of each file they were read from, as it was then. */
    private record Entry(Inputs inputs, Map<Path, String> identities) {
        /** Whether one of the files is gone or has another identity now. */
        boolean stale() {
            for (Map.Entry<Path, String> f : identities.entrySet()) {
                try {
                    if (!identity(f.getKey()).equals(f.getValue())) {
                        return true;
                    }
                } catch (IOException e) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A cache holding at most about {@code budget} bytes between requests (the last request's inputs may exceed it while it runs). */
    InputsCache(long budget) {
        this.budget = budget;
    }

    /**
     * The inputs under {@code key}, loaded by {@code load} from {@code files} when absent (an entry for the same
     * files in another state goes first).
     */
    Inputs get(String key, List<Path> files, Inputs.IoSupplier<Inputs> load) throws IOException {
        Entry e = entries.get(key);
        lastWasHit = e != null;
        if (e == null) {
            String settings = withoutIdentities(key);
            for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Entry> old = it.next();
                if (withoutIdentities(old.getKey()).equals(settings)) {
                    old.getValue().inputs().close();
                    it.remove();
                }
            }
            Map<Path, String> identities = new LinkedHashMap<>();
            for (Path f : files) {
                identities.put(f, identity(f));
            }
            e = new Entry(load.get(), identities);
            entries.put(key, e);
        }
        return e.inputs();
    }

    /** Whether the last {@link #get} found its inputs kept. */
    boolean lastWasHit() {
        return lastWasHit;
    }

    /**
     * Closes the inputs whose files changed, then the least recently used until the rest fit the budget; the
     * budget the rest leave keeps freed memory for the next request.
     */
    void trim() {
        List<String> closing = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().stale()) {
                closing.add(e.getKey());
            } else {
                total += e.getValue().inputs().bytes();
            }
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (total <= budget) {
                break;
            }
            if (!closing.contains(e.getKey())) {
                closing.add(e.getKey());
                total -= e.getValue().inputs().bytes();
            }
        }
        // set before the closing, so that their blocks are kept rather than given back
        NativeMemory.keepFreed(Math.max(0, budget - total));
        for (String k : closing) {
            entries.remove(k).inputs().close();
        }
    }

    /** Inputs kept now. */
    int size() {
        return entries.size();
    }

    @Override
    public void close() {
        entries.values().forEach(e -> e.inputs().close());
        entries.clear();
        NativeMemory.keepFreed(0);
    }

    /**
     * A file's identity for the key: device and inode, size, modification and change times. A file
     * rewritten in place changes at least its change time; a missing file has none (loading it then fails
     * with the usual message).
     */
    static String identity(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "missing";
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        Object ctime;
        try {
            ctime = Files.getAttribute(file, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            ctime = "";
        }
        return a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime().toInstant() + "/" + ctime;
    }

    private static String withoutIdentities(String key) {
        return key.replaceAll("@\\S+", "");
    }
}
