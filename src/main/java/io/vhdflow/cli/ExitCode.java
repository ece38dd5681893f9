package io.vhdflow.cli;

import io.vhdflow.disk.ErrorKind;
import io.vhdflow.inspect.Verdict;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every command, in one table (shown by every command's {@code --help} and in
 * the README): a script can tell "the image is not ready" from "the image cannot be read" from
 * "vhdflow was called wrongly" from "the machine or its configuration is wrong".
 */
public final class ExitCode {
    /** Success; for {@code inspect}, the image is ready to publish; for {@code vhd check}, ready for Azure; for {@code run}, the service stopped cleanly. */
    public static final int OK = 0;
    /** The image was read and is not ready (a blocking check failed, not Azure-ready); for {@code run --until-idle}, a job failed. */
    public static final int NOT_READY = 1;
    /** The image was read but the verdict cannot be determined (no OS found, a deciding check could not run). */
    public static final int CANNOT_DETERMINE = 2;
    /** The input is unreadable or invalid: missing, not a regular file, corrupt, truncated, unsupported; or not in the catalog. */
    public static final int INPUT_INVALID = 3;
    /** Configuration or environment error: bad setting, port in use, home not writable or locked, database unreachable, output exists. */
    public static final int ENVIRONMENT = 4;
    /** The command line is wrong: unknown option, missing or malformed argument (sysexits' EX_USAGE). */
    public static final int USAGE = 64;
    /** vhdflow itself failed unexpectedly: a defect to report, with the output of {@code --debug} (sysexits' EX_SOFTWARE). */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }

    /** Every exit code with its meaning, in order: the table {@code --help} and the README show. */
    public static Map<String, String> table() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(Integer.toString(OK), "success (inspect: ready to publish; vhd check: ready)");
        t.put(Integer.toString(NOT_READY), "not ready (inspect: a blocking check failed; run --until-idle: a job failed)");
        t.put(Integer.toString(CANNOT_DETERMINE), "cannot determine (the image was read, the verdict is open)");
        t.put(Integer.toString(INPUT_INVALID), "input unreadable or invalid (missing, not a regular file, damaged, "
                + "unsupported; not in the catalog)");
        t.put(Integer.toString(ENVIRONMENT), "configuration or environment error (bad setting, port in use, home not "
                + "writable or locked, database unreadable, output exists)");
        t.put(Integer.toString(USAGE), "usage error (unknown option, missing or malformed argument)");
        t.put(Integer.toString(INTERNAL), "internal error in vhdflow (report it with the output of --debug)");
        return t;
    }

    /** The exit code of a verdict ({@code io.vhdflow.inspect.VerdictRule} decides the verdict): 0, 1 or 2. */
    public static int forVerdict(Verdict verdict) {
        return switch (verdict) {
            case READY -> OK;
            case NOT_READY -> NOT_READY;
            case CANNOT_DETERMINE -> CANNOT_DETERMINE;
        };
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
