package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
        return new HomeLock(ch, l);
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
