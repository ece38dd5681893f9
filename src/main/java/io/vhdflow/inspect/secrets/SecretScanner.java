package io.vhdflow.inspect.secrets;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.Filesystem;
import io.vhdflow.inspect.ScanBudget;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Walks the places where credentials are left and offers each regular file to every rule family,
 * within a {@link ScanBudget}. Places are taken in the order given (the most likely first: homes
 * before {@code /etc} before {@code /opt}), each breadth-first, so a budget cut leaves the deepest
 * files of the last places unread, never a home's dotfiles. Symbolic links are not followed (what
 * they point to is scanned where it lives, or is outside the places on purpose). Files are read
 * through the filesystem's positional reads: the head first, to tell text from binary; a binary
 * file is skipped unless a family owns its path (a token cache, a credential database).
 */
public final class SecretScanner {
    /** Entries taken from one directory. */
    static final int MAX_ENTRIES = 10_000;
    /** Files named in evidence lists (partial, unreadable). */
    static final int NAMED = 5;

    private final ScanBudget budget;
    private final List<SecretRules> families;

    public SecretScanner(ScanBudget budget, List<SecretRules> families) {
        this.budget = budget;
        this.families = List.copyOf(families);
    }

    /**
     * Scans {@code places} of {@code fs}.
     *
     * @param places   directories or files, in the order to scan them; absent ones are skipped
     * @param excluded paths left to other checks, each with why: the path itself and everything under it
     */
    public SecretScan scan(Filesystem fs, List<String> places, Map<String, String> excluded) throws IOException {
        Walk w = new Walk(fs, excluded);
        List<String> scanned = new ArrayList<>();
        for (String place : new LinkedHashSet<>(places)) {
            if (w.cutShort.isPresent()) {
                break;
            }
            Optional<FileType> t = type(fs, place);
            if (t.isEmpty() || isExcluded(place, excluded).isPresent()) {
                continue;
            }
            scanned.add(place);
            if (t.get() == FileType.REGULAR) {
                w.file(place);
            } else if (t.get() == FileType.DIRECTORY) {
                w.directory(place);
            }
        }
        List<String> notes = new ArrayList<>();
        excluded.forEach((p, why) -> notes.add(p + ": " + why));
        return new SecretScan(w.findings, scanned, notes, w.files, w.bytes, w.binary, w.partial, w.partialCount,
                w.unreadable, w.cutShort, Duration.ofNanos(System.nanoTime() - w.start));
    }

    /** One scan in progress: what it has read and found. */
    private final class Walk {
        final Filesystem fs;
        final Map<String, String> excluded;
        final long start = System.nanoTime();
        final List<SecretFinding> findings = new ArrayList<>();
        final List<String> partial = new ArrayList<>();
        final List<String> unreadable = new ArrayList<>();
        final Set<String> seen = new java.util.HashSet<>();
        int files;
        long bytes;
        int binary;
        int partialCount;
        Optional<String> cutShort = Optional.empty();

        Walk(Filesystem fs, Map<String, String> excluded) {
            this.fs = fs;
            this.excluded = excluded;
        }

        void directory(String root) throws IOException {
            record Dir(String path, int depth) {
            }
            Deque<Dir> queue = new ArrayDeque<>();
            queue.add(new Dir(root, 0));
            while (!queue.isEmpty() && cutShort.isEmpty()) {
                Dir d = queue.poll();
                List<DirEntry> entries;
                try {
                    entries = new ArrayList<>(fs.list(d.path()));
                } catch (NoSuchFileException | NotDirectoryException e) {
                    continue;
                } catch (IOException e) {
                    unreadable(d.path(), e);
                    continue;
                }
                if (entries.size() > MAX_ENTRIES) {
                    stop(d.path() + " holds " + entries.size() + " entries; the scan takes " + MAX_ENTRIES + " a directory");
                    entries = entries.subList(0, MAX_ENTRIES);
                }
                entries.sort(Comparator.comparing(DirEntry::name));
                for (DirEntry e : entries) {
                    if (cutShort.isPresent()) {
                        return;
                    }
                    String p = child(d.path(), e.name());
                    if (isExcluded(p, excluded).isPresent()) {
                        continue;
                    }
                    if (e.type() == FileType.REGULAR) {
                        file(p);
                    } else if (e.type() == FileType.DIRECTORY) {
                        if (d.depth() + 1 > budget.maxDepth()) {
                            stop(p + " is deeper than " + budget.maxDepth() + " levels below " + root);
                        } else {
                            queue.add(new Dir(p, d.depth() + 1));
                        }
                    }
                }
            }
        }

        void file(String path) {
            if (!seen.add(path) || !withinBudget(path)) {
                return;
            }
            String lower = path.replace('\\', '/').toLowerCase(java.util.Locale.ROOT);
            boolean owned = false;
            for (SecretRules f : families) {
                owned |= f.owns(lower);
            }
            try (ByteSource src = fs.open(path)) {
                long size = src.size();
                files++;
                int headLen = (int) Math.min(size, Math.min(ScannedFile.SNIFF, remainingBytes()));
                byte[] head = read(src, 0, headLen);
                if (!owned && !ScannedFile.isText(head)) {
                    binary++;
                    return;
                }
                long want = Math.min(size, budget.maxFileBytes());
                long allowed = Math.min(want, head.length + remainingBytes());
                byte[] content = allowed > head.length ? concat(head, read(src, head.length, (int) (allowed - head.length)))
                        : head;
                if (content.length < size) {
                    if (content.length < want) {
                        stop("the byte limit (" + budget.maxBytes() + ") was reached in " + path);
                    }
                    partialCount++;
                    if (partial.size() < NAMED) {
                        partial.add(path + " (" + content.length + " of " + size + " bytes)");
                    }
                }
                ScannedFile f = new ScannedFile(path, size, content);
                // A file a family owns by its path (a credential file, cloud-init's user-data) is judged
                // by that family alone, so one secret is never reported twice.
                for (SecretRules family : families) {
                    if (!owned || family.owns(lower)) {
                        family.find(f, findings);
                    }
                }
            } catch (IOException e) {
                unreadable(path, e);
            }
        }

        private boolean withinBudget(String next) {
            if (files >= budget.maxFiles()) {
                stop("the file limit (" + budget.maxFiles() + ") was reached before " + next);
            } else if (bytes >= budget.maxBytes()) {
                stop("the byte limit (" + budget.maxBytes() + ") was reached before " + next);
            } else if (System.nanoTime() - start > budget.maxTime().toNanos()) {
                stop("the time limit (" + budget.maxTime().toMillis() + " ms) was reached before " + next);
            }
            return cutShort.isEmpty();
        }

        private long remainingBytes() {
            return Math.max(0, budget.maxBytes() - bytes);
        }

        private byte[] read(ByteSource src, long offset, int length) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(length);
            long pos = offset;
            while (buf.hasRemaining()) {
                int n = src.read(pos, buf);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
            bytes += buf.position();
            return buf.position() == length ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
        }

        private void unreadable(String path, IOException e) {
            if (unreadable.size() < NAMED) {
                unreadable.add(path + " (" + e.getClass().getSimpleName().replace("Exception", "") + ": "
                        + e.getMessage() + ")");
            }
        }

        private void stop(String why) {
            if (cutShort.isEmpty()) {
                cutShort = Optional.of(why);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The type of the path itself (links not followed), empty when absent. */
    private static Optional<FileType> type(Filesystem fs, String path) throws IOException {
        try {
            return Optional.of(fs.lstat(path).type());
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        }
    }

    /** Why {@code path} is left out, when it is under an excluded path. */
    static Optional<String> isExcluded(String path, Map<String, String> excluded) {
        for (Map.Entry<String, String> e : excluded.entrySet()) {
            String x = e.getKey();
            if (x.endsWith("*") ? path.startsWith(x.substring(0, x.length() - 1))
                    : path.equals(x) || path.startsWith(x.endsWith("/") ? x : x + "/")) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }
}
