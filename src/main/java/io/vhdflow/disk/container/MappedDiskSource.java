package io.vhdflow.disk.container;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The virtual disk of a sparse container (VHDX, qcow2, sparse VMDK) presented as flat bytes. A
 * format says, for a virtual offset, where the bytes there come from and how far that holds
 * ({@link #locate}); this class does the reading: stored data from the image file, zeros, the
 * parent (or zeros when there is none or it is shorter), or a compressed unit the format inflates.
 * Thread-safe as long as {@link #locate} and {@link #readCompressed} are.
 */
abstract class MappedDiskSource implements ByteSource {

    /** Where a run of virtual bytes comes from. */
    enum Kind {
        /** Stored in the image file at {@link Run#host()}. */
        DATA,
        /** Reads as zeros. */
        ZERO,
        /** Comes from the parent (backing file), or reads as zeros without one. */
        PARENT,
        /** Part of a compressed unit whose descriptor is {@link Run#host()}. */
        COMPRESSED
    }

    /**
     * A run of virtual bytes with one source.
     *
     * @param kind   the source
     * @param length how many bytes from the located offset on share it (at least 1)
     * @param host   the byte offset in the image file of the located offset (DATA), or the
     *               format's descriptor of the compressed unit (COMPRESSED); unused otherwise
     * @param within offset of the located byte inside its compressed unit (COMPRESSED only)
     */
    record Run(Kind kind, long length, long host, long within) {
        static Run data(long length, long host) {
            return new Run(Kind.DATA, length, host, 0);
        }

        static Run zero(long length) {
            return new Run(Kind.ZERO, length, 0, 0);
        }

        static Run parent(long length) {
            return new Run(Kind.PARENT, length, 0, 0);
        }

        static Run compressed(long length, long descriptor, long within) {
            return new Run(Kind.COMPRESSED, length, descriptor, within);
        }
    }

    private final ByteSource file;
    private final long size;
    private final ByteSource parent; // null without one
    private final String name;

    MappedDiskSource(ByteSource file, long size, Optional<ByteSource> parent, String name) {
        this.file = file;
        this.size = size;
        this.parent = parent.orElse(null);
        this.name = name;
    }

    /** Where the byte at virtual {@code offset} comes from, for at most {@code max} bytes. */
    abstract Run locate(long offset, long max) throws IOException;

    /**
     * Copies {@code len} bytes of a compressed unit, from {@code run.within()} on, into {@code dst}.
     * Only formats that have compressed units override this.
     */
    void readCompressed(Run run, ByteBuffer dst, int len) throws IOException {
        throw new DiskException(ErrorKind.CORRUPT, name, run.host(), "a compressed unit in a format that has none");
    }

    /** The structure named in errors for data read at {@code host}. */
    String dataStructure(long virtualOffset) {
        return "data of " + name + " at virtual byte " + virtualOffset;
    }

    final ByteSource file() {
        return file;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final String describe() {
        return name;
    }

    @Override
    public final int read(long offset, ByteBuffer dst) throws IOException {
        int total = ByteSource.readableLength(offset, dst.remaining(), size);
        if (total < 0) {
            return -1;
        }
        long pos = offset;
        long end = offset + total;
        while (pos < end) {
            Run run = locate(pos, end - pos);
            if (run.length() < 1) {
                throw new IllegalStateException(name + ": empty run at " + pos);
            }
            int n = (int) Math.min(run.length(), end - pos);
            switch (run.kind()) {
                case DATA -> {
                    ByteBuffer view = dst.duplicate();
                    view.limit(view.position() + n);
                    file.readFully(run.host(), view, dataStructure(pos));
                    dst.position(dst.position() + n);
                }
                case ZERO -> zero(dst, n);
                case PARENT -> fromParent(pos, dst, n);
                case COMPRESSED -> {
                    int before = dst.position();
                    readCompressed(run, dst, n);
                    if (dst.position() != before + n) {
                        throw new IllegalStateException(name + ": compressed read filled " + (dst.position() - before)
                                + " of " + n + " bytes");
                    }
                }
            }
            pos += n;
        }
        return total;
    }

    private void fromParent(long pos, ByteBuffer dst, int len) throws IOException {
        fromParentOrZero(parent, pos, dst, len, name);
    }

    /**
     * Puts {@code len} bytes at {@code pos} of {@code parent} into {@code dst}, as far as the parent
     * reaches, and zeros for the rest (all of it when {@code parent} is null: no parent).
     */
    static void fromParentOrZero(ByteSource parent, long pos, ByteBuffer dst, int len, String name) throws IOException {
        int fromParent = 0;
        if (parent != null && pos < parent.size()) {
            fromParent = (int) Math.min(len, parent.size() - pos);
            ByteBuffer view = dst.duplicate();
            view.limit(view.position() + fromParent);
            parent.readFully(pos, view, "parent of " + name);
            dst.position(dst.position() + fromParent);
        }
        zero(dst, len - fromParent);
    }

    static void zero(ByteBuffer dst, int len) {
        int left = len;
        while (left > 0) {
            int n = Math.min(left, ZeroSectors.ZEROS.length);
            dst.put(ZeroSectors.ZEROS, 0, n);
            left -= n;
        }
    }
}
