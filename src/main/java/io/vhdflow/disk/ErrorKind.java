package io.vhdflow.disk;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * What kind of failure a read of an untrusted image met. Callers decide by kind, never by message
 * text: a corrupt or truncated image is the input's fault and final; an unsupported or encrypted
 * one is well-formed but unreadable here; an I/O error may go away on retry.
 */
public enum ErrorKind {
    /** A structure is damaged: bad magic or checksum, a field out of range, structures that contradict each other. */
    CORRUPT,
    /** The data ends before a structure does (a cut-short file or volume). */
    TRUNCATED,
    /** Well-formed, but uses a format or feature this reader does not read. */
    UNSUPPORTED,
    /** The content is encrypted (BitLocker, EFS, qcow2 encryption) and cannot be read offline. */
    ENCRYPTED,
    /** A file, path or object the input names does not exist. */
    NOT_FOUND,
    /** A count, size or depth is above a limit set to keep hostile input from exhausting memory or time. */
    LIMIT_EXCEEDED,
    /** The underlying storage failed to read; the input itself may be fine. */
    IO;

    /** The kind's stable name in JSON, job errors and the API: {@code corrupt}, {@code limit-exceeded}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the failure is the input's own (retrying the same input cannot help). */
    public boolean isFinal() {
        return this != IO;
    }

    /**
     * The kind of any failure, in one place: a {@link DiskException} says its own; the JDK's file
     * errors map to {@link #NOT_FOUND} (missing path, a file where a directory was expected) and
     * {@link #LIMIT_EXCEEDED} (a symbolic-link loop); everything else is {@link #IO}.
     */
    public static ErrorKind of(Throwable t) {
        if (t instanceof DiskException d) {
            return d.kind();
        }
        if (t instanceof NoSuchFileException || t instanceof NotDirectoryException) {
            return NOT_FOUND;
        }
        if (t instanceof FileSystemLoopException) {
            return LIMIT_EXCEEDED;
        }
        if (t instanceof AccessDeniedException) {
            return IO;
        }
        return IO;
    }
}
