package io.vhdflow.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Space held back in the home so the failure handler can always record a failure: a file of
 * {@value #BYTES} bytes written (not sparse, so its blocks are really taken) when the service
 * starts. When the disk fills up, recording the job's failure (its error files, the journal's
 * update) may itself fail; {@link JobFailure} then deletes this file and tries again. The next start
 * writes it again.
 */
public final class SpaceReserve {
    static final String FILE = ".vhdflow-space-reserve";
    static final int BYTES = 8 << 20;
    private static final System.Logger LOG = System.getLogger(SpaceReserve.class.getName());

    private final Optional<Path> file;

    private SpaceReserve(Optional<Path> file) {
        this.file = file;
    }

    /** No reserve (tools that do not run jobs). */
    public static SpaceReserve none() {
        return new SpaceReserve(Optional.empty());
    }

    /** The home's reserve, written now unless it is already whole; a disk too full for it is logged. */
    public static SpaceReserve ensure(HomeLayout home) {
        Path f = home.home().resolve(FILE);
        try {
            if (!Files.isRegularFile(f) || Files.size(f) != BYTES) {
                Path tmp = f.resolveSibling(FILE + ".tmp");
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer block = ByteBuffer.allocate(1 << 16);
                    for (long at = 0; at < BYTES; at += block.capacity()) {
                        block.clear();
                        while (block.hasRemaining()) {
                            ch.write(block, at + block.position());
                        }
                    }
                    ch.force(true);
                }
                Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot hold " + BYTES + " bytes in reserve in " + home.home()
                    + " (" + e.getMessage() + "): free some space; a job failing on a full disk may then stay "
                    + "running until the next start");
        }
        return new SpaceReserve(Optional.of(f));
    }

    /** Deletes the reserve; true when that freed space. */
    public boolean release() {
        if (file.isEmpty()) {
            return false;
        }
        try {
            boolean freed = Files.deleteIfExists(file.get());
            Files.deleteIfExists(file.get().resolveSibling(FILE + ".tmp"));
            if (freed) {
                LOG.log(System.Logger.Level.WARNING, "the disk of " + file.get().getParent() + " is full: used the "
                        + BYTES + "-byte space reserve to record a failure; it is written again at the next start");
            }
            return freed;
        } catch (IOException e) {
            return false;
        }
    }
}
