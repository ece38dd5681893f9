package io.vhdflow.disk.fs.ntfs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/**
 * A file exists and is well-formed but stored in a way this reader does not decode: WOF /
 * CompactOS compression (XPRESS/LZX in a {@code WofCompressedData} stream), deduplication, or EFS
 * encryption ({@link ErrorKind#ENCRYPTED}). Nothing is corrupt.
 */
public class NtfsUnsupportedException extends DiskException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public NtfsUnsupportedException(ErrorKind kind, String path, String problem) {
        super(kind, "NTFS file " + path, -1, problem);
        this.path = path;
    }

    /** The path of the file that could not be read. */
    public String path() {
        return path;
    }
}
