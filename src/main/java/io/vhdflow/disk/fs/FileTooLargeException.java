package io.vhdflow.disk.fs;

import io.vhdflow.disk.DiskException;
import io.vhdflow.disk.ErrorKind;

/** A read asked for a whole file whose size is above the caller's cap. */
public class FileTooLargeException extends DiskException {
    private static final long serialVersionUID = 1L;

    public FileTooLargeException(String path, long size, long cap) {
        super(ErrorKind.LIMIT_EXCEEDED, path, -1, size + " bytes, more than the " + cap
                + "-byte limit for reading it whole");
    }
}
