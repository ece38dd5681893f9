package io.vhdflow.disk.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file read with positional reads on one {@link FileChannel}; safe for concurrent readers. */
public final class FileByteSource implements ByteSource {
    private final Path path;
    private final FileChannel channel;
    private final long size;

    private FileByteSource(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Opens {@code path} read-only, refusing to follow a symbolic link. */
    public static FileByteSource open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            return new FileByteSource(path, ch, ch.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int want = ByteSource.readableLength(offset, dst.remaining(), size);
        if (want < 0) {
            return -1;
        }
        if (want < dst.remaining()) {
            ByteBuffer view = dst.duplicate();
            view.limit(view.position() + want);
            int n = channel.read(view, offset);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        return channel.read(dst, offset);
    }

    public Path path() {
        return path;
    }

    @Override
    public String describe() {
        return path.getFileName().toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
