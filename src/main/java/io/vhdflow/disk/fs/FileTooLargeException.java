package io.vhdflow.disk.fs;

import java.io.IOException;

/** A read asked for a whole file whose size is above the caller's cap. */
public class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public FileTooLargeException(String path, long size, long cap) {
        super(path + " is " + size + " bytes, more than the " + cap + "-byte limit for reading it whole");
    }
}
