package io.vhdflow.cli;

import io.vhdflow.disk.ErrorKind;

/**
 * The exit codes of every command, in one table (also in the README): a script can tell "the
 * image is not ready" from "the image cannot be read" from "vhdflow was called wrongly".
 */
public final class ExitCode {
    /** Success; for {@code inspect}, the image is ready to publish. */
    public static final int OK = 0;
    /** The image was read and is not ready (not generalized, not Azure-ready). */
    public static final int NOT_READY = 1;
    /** The image was read but the verdict cannot be determined (no OS found, encrypted, a deciding check could not run). */
    public static final int CANNOT_DETERMINE = 2;
    /** The input is unreadable or invalid: missing, not a regular file, corrupt, truncated, unsupported. */
    public static final int INPUT_INVALID = 3;
    /** Configuration or environment error: bad setting, port in use, home not writable, database unreachable. */
    public static final int ENVIRONMENT = 4;

    private ExitCode() {
    }

    /**
     * The exit code for a failure to read the input, by its {@link ErrorKind}: every kind means the
     * input could not be read as a disk image, so all are {@link #INPUT_INVALID}; kept as one
     * mapping so a new kind is decided here, not in each command.
     */
    public static int forFailure(Throwable t) {
        return switch (ErrorKind.of(t)) {
            case CORRUPT, TRUNCATED, UNSUPPORTED, ENCRYPTED, NOT_FOUND, LIMIT_EXCEEDED, IO -> INPUT_INVALID;
        };
    }
}
