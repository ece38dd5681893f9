package io.vhdflow.disk.registry;

import io.vhdflow.disk.container.ByteSource;
import io.vhdflow.disk.container.FileByteSource;
import io.vhdflow.disk.fs.FileTooLargeException;
import io.vhdflow.disk.fs.Filesystem;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A hive read from a filesystem inside an image, e.g. {@code /Windows/System32/config/SOFTWARE},
 * together with its transaction logs ({@code SOFTWARE.LOG1}, {@code SOFTWARE.LOG2},
 * {@code SOFTWARE.LOG}) when they exist, so a dirty hive is read as Windows would recover it.
 *
 * <p>Why spool: {@link Filesystem} gives files as streams, while a hive is read at random
 * offsets. Each file is copied once to a temporary file in {@code spoolDir} (refusing files over
 * {@code maxBytes}) and read from there, so memory stays flat whatever the hive's size. Closing
 * this deletes the copies.
 */
public final class HiveFiles implements Closeable {
    private static final String[] LOG_SUFFIXES = {".LOG1", ".LOG2", ".LOG"};

    private final Hive hive;
    private final List<String> logPaths;
    private final List<FileByteSource> sources;
    private final List<Path> spooled;

    private HiveFiles(Hive hive, List<String> logPaths, List<FileByteSource> sources, List<Path> spooled) {
        this.hive = hive;
        this.logPaths = List.copyOf(logPaths);
        this.sources = sources;
        this.spooled = spooled;
    }

    /**
     * Opens the hive at {@code hivePath} in {@code fs} and its logs.
     *
     * @param spoolDir where the temporary copies go (e.g. a job's work directory)
     * @param maxBytes largest hive or log accepted; {@link FileTooLargeException} beyond it
     */
    public static HiveFiles open(Filesystem fs, String hivePath, Path spoolDir, long maxBytes) throws IOException {
        List<FileByteSource> sources = new ArrayList<>();
        List<Path> spooled = new ArrayList<>();
        try {
            FileByteSource primary = spool(fs, hivePath, spoolDir, maxBytes, sources, spooled);
            List<ByteSource> logs = new ArrayList<>();
            List<String> logPaths = new ArrayList<>();
            for (String suffix : LOG_SUFFIXES) {
                String p = hivePath + suffix;
                Optional<io.vhdflow.disk.fs.FileAttributes> a = fs.find(p);
                // Windows 8.1 and later keep an empty .LOG next to .LOG1/.LOG2: nothing to read.
                if (a.isPresent() && a.get().isRegularFile() && a.get().size() > 0) {
                    logs.add(spool(fs, p, spoolDir, maxBytes, sources, spooled));
                    logPaths.add(p);
                }
            }
            return new HiveFiles(Hive.open(primary, logs), logPaths, sources, spooled);
        } catch (IOException | RuntimeException e) {
            cleanUp(sources, spooled, e);
            throw e;
        }
    }

    private static FileByteSource spool(Filesystem fs, String path, Path dir, long maxBytes,
                                        List<FileByteSource> sources, List<Path> spooled) throws IOException {
        long size = fs.attributes(path).size();
        if (size > maxBytes) {
            throw new FileTooLargeException(path, size, maxBytes);
        }
        Path tmp = Files.createTempFile(dir, "hive-", ".tmp");
        spooled.add(tmp);
        try (InputStream in = fs.newInputStream(path); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new FileTooLargeException(path, total, maxBytes);
                }
                out.write(buf, 0, n);
            }
        }
        FileByteSource src = FileByteSource.open(tmp);
        sources.add(src);
        return src;
    }

    /** The hive, recovered from its logs if it was dirty and they apply. */
    public Hive hive() {
        return hive;
    }

    /** The log files found next to the hive (paths in the filesystem). */
    public List<String> logPaths() {
        return logPaths;
    }

    @Override
    public void close() throws IOException {
        IOException first = cleanUp(sources, spooled, null);
        if (first != null) {
            throw first;
        }
    }

    private static IOException cleanUp(List<FileByteSource> sources, List<Path> spooled, Exception cause) {
        IOException first = null;
        for (FileByteSource s : sources) {
            try {
                s.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        for (Path p : spooled) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (cause != null && first != null) {
            cause.addSuppressed(first);
        }
        return first;
    }
}
