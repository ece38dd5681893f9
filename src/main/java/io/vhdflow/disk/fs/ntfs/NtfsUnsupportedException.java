package io.vhdflow.disk.fs.ntfs;

import java.io.IOException;

/**
 * A file exists and is well-formed but stored in a way this reader does not decode: WOF /
 * CompactOS compression (XPRESS/LZX in a {@code WofCompressedData} stream) or EFS encryption.
 * Distinct from {@link io.vhdflow.disk.DiskFormatException}: nothing is corrupt.
 */
public class NtfsUnsupportedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public NtfsUnsupportedException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /** The path of the file that could not be read. */
    public String path() {
        return path;
    }
}
