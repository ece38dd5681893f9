package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a home folder: two services taking files from one drop folder would
 * process a VHD twice. The operating system releases it if the process dies, even by kill -9.
 */
public final class HomeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static HomeLock acquire(HomeLayout home) throws IOException {
        Path file = home.home().resolve(".vhdflow.lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // Held by this same process (another service object on the home).
            l = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new HeldException(home.home());
        }
        clearStaleReadLocks(home);
        return new HomeLock(ch, l);
    }

    /** The suffix of the marker Camel's file consumer writes beside a file it is reading. */
    static final String READ_LOCK_SUFFIX = ".camelLock";

    /**
     * Deletes the drop folder's read-lock markers. Called with the home lock just taken: only the
     * service holding it reads drop/, and the operating system released it when its owner died, so
     * every marker present now was left by a process that ended without cleaning up (kill -9, power
     * loss). Left in place, the file beside it would be ignored silently until deleted by hand.
     */
    static void clearStaleReadLocks(HomeLayout home) throws IOException {
        if (!Files.isDirectory(home.drop(), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(home.drop(), "*" + READ_LOCK_SUFFIX)) {
            for (Path m : markers) {
                if (Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(m)) {
                    String name = m.getFileName().toString();
                    System.getLogger(HomeLock.class.getName()).log(System.Logger.Level.INFO,
                            "removed {0}: a read lock left by a vhdflow process that ended without cleaning up; "
                                    + "{1} will be taken in", m, name.substring(0, name.length() - READ_LOCK_SUFFIX.length()));
                }
            }
        }
    }

    /** The home is locked by another running service. */
    public static final class HeldException extends IOException {
        private static final long serialVersionUID = 1L;

        HeldException(Path home) {
            super("another vhdflow service is already running on " + home + "; stop it first or use another --home");
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
