package dev.covertree.cli;

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
 * used closed once the total passes the memory budget. Used by one request at a time.
 */
final class InputsCache implements AutoCloseable {
    private final long budget;
    private final LinkedHashMap<String, Inputs> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean lastWasHit;

    /** A cache holding at most about {@code budget} bytes between requests (the last request's inputs may exceed it while it runs). */
    InputsCache(long budget) {
        this.budget = budget;
    }

    /** The inputs under {@code key}, loaded by {@code load} when absent (an entry for the same files in another state goes first). */
    Inputs get(String key, Inputs.IoSupplier<Inputs> load) throws IOException {
        Inputs in = entries.get(key);
        lastWasHit = in != null;
        if (in == null) {
            String settings = withoutIdentities(key);
            for (Iterator<Map.Entry<String, Inputs>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Inputs> e = it.next();
                if (withoutIdentities(e.getKey()).equals(settings)) {
                    e.getValue().close();
                    it.remove();
                }
            }
            in = load.get();
            entries.put(key, in);
        }
        return in;
    }

    /** Whether the last {@link #get} found its inputs kept. */
    boolean lastWasHit() {
        return lastWasHit;
    }

    /** Closes the least recently used inputs until the rest fit the budget. */
    void trim() {
        long total = 0;
        List<String> keys = new ArrayList<>(entries.keySet());
        for (String k : keys) {
            total += entries.get(k).bytes();
        }
        for (String k : keys) {
            if (total <= budget) {
                break;
            }
            Inputs in = entries.remove(k);
            total -= in.bytes();
            in.close();
        }
    }

    /** Inputs kept now. */
    int size() {
        return entries.size();
    }

    @Override
    public void close() {
        entries.values().forEach(Inputs::close);
        entries.clear();
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
