package io.vhdflow.testing;

import io.vhdflow.disk.fs.DirEntry;
import io.vhdflow.disk.fs.FileAttributes;
import io.vhdflow.disk.fs.FileType;
import io.vhdflow.disk.fs.Filesystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Reads a whole (possibly damaged) filesystem the way the mutation properties do: every directory
 * listed, every entry stat'ed, every link read, every regular file's head and tail read (so every
 * extent is walked), within a budget of entries and a depth limit so a damaged tree cannot make the
 * walk itself unbounded. Names a mutation turned into paths (containing '/') are skipped.
 */
public final class FilesystemWalk {
    private static final int MAX_ENTRIES = 20_000;
    private static final int MAX_DEPTH = 12;

    /** Something more to do with each regular file (e.g. read its extended attributes). */
    @FunctionalInterface
    public interface FileVisit {
        void visit(String path) throws IOException;
    }

    private FilesystemWalk() {
    }

    /** Walks {@code fs} from {@code /}, reading {@code headBytes} and the last 8 KiB of each file. */
    public static void readEverything(Filesystem fs, int headBytes, FileVisit alsoOnFile) throws IOException {
        walk(fs, "/", 0, new int[] {0}, headBytes, alsoOnFile);
    }

    private static void walk(Filesystem fs, String path, int depth, int[] budget, int head, FileVisit also)
            throws IOException {
        if (depth > MAX_DEPTH || ++budget[0] > MAX_ENTRIES) {
            return;
        }
        for (DirEntry e : fs.list(path)) {
            String child = (path.equals("/") ? "" : path) + "/" + e.name();
            if (++budget[0] > MAX_ENTRIES) {
                return;
            }
            FileAttributes a;
            try {
                a = fs.lstat(child);
            } catch (NoSuchFileException | NotDirectoryException | FileSystemLoopException ex) {
                continue;
            }
            if (a.type() == FileType.DIRECTORY) {
                walk(fs, child, depth + 1, budget, head, also);
            } else if (a.type() == FileType.SYMLINK) {
                fs.readlink(child);
            } else if (a.type() == FileType.REGULAR) {
                also.visit(child);
                try (InputStream in = fs.newInputStream(child)) {
                    in.readNBytes(head);
                    in.skip(Math.max(0, a.size() - head - 4096));
                    in.readNBytes(8192); // walks every remaining extent, reads the file's end
                }
            }
        }
    }
}
