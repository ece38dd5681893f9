package io.vhdflow.disk;

import java.io.IOException;
import java.util.Objects;

/**
 * A read of an image failed: every parser in the disk layer throws this (or a subclass) for
 * untrusted input it cannot read, so callers can tell corrupt from truncated from unsupported by
 * {@link #kind()}, and operators are told which structure and which byte is at fault.
 */
public class DiskException extends IOException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String structure;
    private final long offset;

    /**
     * @param kind      what kind of failure this is
     * @param structure the structure that failed, e.g. {@code "VHD footer"}, {@code "ext4 inode 12"}
     * @param offset    absolute byte offset of the structure (or the faulty field) in the source
     *                  it was read from; -1 when no single offset applies
     * @param problem   what is wrong, phrased for an operator
     */
    public DiskException(ErrorKind kind, String structure, long offset, String problem) {
        super(format(structure, offset, problem));
        this.kind = Objects.requireNonNull(kind);
        this.structure = structure;
        this.offset = offset;
    }

    public DiskException(ErrorKind kind, String structure, long offset, String problem, Throwable cause) {
        this(kind, structure, offset, problem);
        initCause(cause);
    }

    private static String format(String structure, long offset, String problem) {
        return offset >= 0
                ? structure + " at byte " + offset + ": " + problem
                : structure + ": " + problem;
    }

    /** What kind of failure this is. */
    public ErrorKind kind() {
        return kind;
    }

    /** The structure that failed. */
    public String structure() {
        return structure;
    }

    /** Absolute byte offset of the faulty structure or field, or -1 when none applies. */
    public long offset() {
        return offset;
    }
}
