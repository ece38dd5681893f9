package io.vhdflow.disk;

import java.io.IOException;

/**
 * An on-disk structure failed validation. Every parser in the disk layer throws this (or a
 * subclass) for untrusted input that is malformed, so callers can tell a corrupt image from an
 * I/O failure and operators are told which structure and which byte is at fault.
 */
public class DiskFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String structure;
    private final long offset;

    /**
     * @param structure the structure that failed, e.g. {@code "VHD footer"}, {@code "ext4 inode 12"}
     * @param offset    absolute byte offset of the structure (or the faulty field) in the source
     *                  it was read from; -1 when no single offset applies
     * @param problem   what is wrong, phrased for an operator
     */
    public DiskFormatException(String structure, long offset, String problem) {
        super(format(structure, offset, problem));
        this.structure = structure;
        this.offset = offset;
    }

    public DiskFormatException(String structure, long offset, String problem, Throwable cause) {
        this(structure, offset, problem);
        initCause(cause);
    }

    private static String format(String structure, long offset, String problem) {
        return offset >= 0
                ? structure + " at byte " + offset + ": " + problem
                : structure + ": " + problem;
    }

    /** The structure that failed validation. */
    public String structure() {
        return structure;
    }

    /** Absolute byte offset of the faulty structure or field, or -1 when none applies. */
    public long offset() {
        return offset;
    }
}
