package io.vhdflow.cli;

import io.vhdflow.disk.DiskException;
import io.vhdflow.pipeline.EffectiveSettings;
import io.vhdflow.store.StoreException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why a command could not do its work, in the one shape every command reports it:
 * {@code vhdflow: <what failed>: <why> (<what to do>)} on stderr, or with {@code --json}
 * {@code {"error":{"kind":…,"message":…,"hint":…}}} on stdout, and the exit code of
 * {@link ExitCode}'s table. Commands throw it; {@link VhdflowCommand} prints it once.
 */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** A Java class name as exception text leaks it ({@code java.nio.file.NoSuchFileException: }). */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

    private final String kind;
    private final int exitCode;
    private final String what;
    private final String why;
    private final String hint;
    private final List<String> details;

    /**
     * @param kind     stable machine-readable kind: {@code usage}, {@code not-found}, {@code not-a-file},
     *                 {@code corrupt}, {@code config}, {@code port-in-use}, ...
     * @param exitCode the code from {@link ExitCode}
     * @param what     what failed: the file, setting or step, e.g. {@code nope.vhd}
     * @param why      why, in words, never an exception class name
     * @param hint     what to do about it, or empty
     */
    public CommandFailure(String kind, int exitCode, String what, String why, String hint) {
        this(kind, exitCode, what, why, hint, List.of());
    }

    /**
     * A failure made of several problems found at once (a configuration with three bad
     * settings): each detail is printed as its own line in the error style.
     */
    public CommandFailure(String kind, int exitCode, String what, String why, String hint, List<String> details) {
        super(what + ": " + why);
        this.kind = Objects.requireNonNull(kind);
        this.exitCode = exitCode;
        this.what = Objects.requireNonNull(what);
        this.why = Objects.requireNonNull(why);
        this.hint = hint == null ? "" : hint;
        this.details = List.copyOf(details);
    }

    public CommandFailure withCause(Throwable cause) {
        initCause(cause);
        return this;
    }

    public static CommandFailure usage(String what, String why, String hint) {
        return new CommandFailure("usage", ExitCode.USAGE, what, why, hint);
    }

    public static CommandFailure input(String kind, String what, String why, String hint) {
        return new CommandFailure(kind, ExitCode.INPUT_INVALID, what, why, hint);
    }

    public static CommandFailure environment(String kind, String what, String why, String hint) {
        return new CommandFailure(kind, ExitCode.ENVIRONMENT, what, why, hint);
    }

    /** Every problem of a configuration, each on its own line: exit 4. */
    public static CommandFailure ofSettings(EffectiveSettings.InvalidSettingsException e) {
        List<String> lines = e.problems().stream().map(EffectiveSettings.Problem::describe).toList();
        return new CommandFailure("config", ExitCode.ENVIRONMENT, "configuration",
                (lines.size() == 1 ? "1 setting is" : lines.size() + " settings are") + " invalid",
                "correct them and run 'vhdflow config check'", lines).withCause(e);
    }

    /** A failure to read the input {@code file}: always exit 3, with the kind and a hint by cause. */
    public static CommandFailure ofInput(Throwable t, Path file) {
        if (t instanceof CommandFailure f) {
            return f;
        }
        String what = file.toString();
        if (t instanceof DiskException d) {
            return input(d.kind().label(), what, d.getMessage(), diskHint(d)).withCause(t);
        }
        if (t instanceof NoSuchFileException) {
            return input("not-found", what, "no such file", "check the path").withCause(t);
        }
        if (t instanceof AccessDeniedException) {
            return input("permission-denied", what, "permission denied",
                    "make the file readable by this user").withCause(t);
        }
        return input("io", what, why(t), "check the file and the disk it is on").withCause(t);
    }

    /** A failure of the machine or its configuration around the command (exit 4). */
    public static CommandFailure ofEnvironment(Throwable t, String what) {
        if (t instanceof CommandFailure f) {
            return f;
        }
        if (t instanceof AccessDeniedException a) {
            return environment("permission-denied", what, "permission denied"
                    + (a.getFile() != null ? " on " + a.getFile() : ""),
                    "check the owner and mode of the folder").withCause(t);
        }
        if (t instanceof FileAlreadyExistsException e) {
            return environment("exists", what, (e.getFile() != null ? e.getFile() : "the file") + " already exists",
                    "choose another name or pass --force to replace it").withCause(t);
        }
        if (t instanceof StoreException) {
            return environment("database", what, why(t), "check the home's vhdflow.db (run 'vhdflow config check')")
                    .withCause(t);
        }
        return environment("io", what, why(t), "check the disk, its free space and permissions").withCause(t);
    }

    /**
     * Any failure that reached the top of a command: kept if already a {@link CommandFailure},
     * an input or environment failure by type, else a defect of vhdflow (exit 70).
     */
    public static CommandFailure of(Throwable t) {
        if (t instanceof CommandFailure f) {
            return f;
        }
        if (t instanceof DiskException d) {
            return input(d.kind().label(), "the image", d.getMessage(), diskHint(d)).withCause(t);
        }
        if (t instanceof EffectiveSettings.InvalidSettingsException e) {
            return ofSettings(e);
        }
        if (t instanceof IOException || t instanceof StoreException) {
            return ofEnvironment(t, "vhdflow");
        }
        return new CommandFailure("internal", ExitCode.INTERNAL, "vhdflow failed unexpectedly", why(t),
                "this is a defect in vhdflow: report it with the output of the same command with --debug").withCause(t);
    }

    /** The reason of {@code t} as words: the file-system reason without the path, never a class name. */
    public static String why(Throwable t) {
        String reason;
        if (t instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (t instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (t instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (t instanceof FileAlreadyExistsException) {
            reason = "already exists";
        } else if (t instanceof FileSystemException fs && fs.getReason() != null) {
            reason = fs.getReason();
        } else {
            reason = t.getMessage();
        }
        if (reason == null || reason.isBlank()) {
            reason = words(t.getClass().getSimpleName());
        }
        return withoutClassNames(reason);
    }

    /** {@code text} with any Java exception class name taken out. */
    public static String withoutClassNames(String text) {
        String s = CLASS_NAME.matcher(text).replaceAll("").strip();
        return s.isEmpty() ? "unknown error" : s;
    }

    /** {@code IllegalStateException} → "illegal state": a last resort when an exception carries no message. */
    private static String words(String simpleName) {
        String base = simpleName.replaceAll("(Exception|Error)$", "");
        return base.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    private static String diskHint(DiskException d) {
        return switch (d.kind()) {
            case UNSUPPORTED -> "convert it to a fixed VHD first (qemu-img convert -O vpc -o subformat=fixed,force_size=on)";
            case ENCRYPTED -> "decrypt the volume in the source VM and capture the disk again";
            case LIMIT_EXCEEDED -> "check how the image was exported; report it if the image is genuine";
            case NOT_FOUND -> "check the path";
            case IO -> "check the disk the file is on and try again";
            default -> "export the image again; it may be truncated or not a disk image";
        };
    }

    public String kind() {
        return kind;
    }

    public int exitCode() {
        return exitCode;
    }

    public String what() {
        return what;
    }

    public String why() {
        return why;
    }

    public String hint() {
        return hint;
    }

    /** {@code what: why}: the JSON {@code message}. */
    public String message() {
        return what + ": " + why;
    }

    /** The problems this failure is made of, each {@code what: why (what to do)}; empty for a single failure. */
    public List<String> details() {
        return details;
    }

    /** The one line on stderr: {@code vhdflow: <what failed>: <why> (<what to do>)}. */
    public String line() {
        return "vhdflow: " + message() + (hint.isEmpty() ? "" : " (" + hint + ")");
    }

    /** What stderr shows: the one line, or one line per problem when there are several. */
    public List<String> lines() {
        return details.isEmpty() ? List.of(line()) : details.stream().map(d -> "vhdflow: " + d).toList();
    }
}
