package io.vhdflow.pipeline.camel;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.PollingConsumerPollStrategy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the drop-folder consumer could not do (a file it cannot lock or move because the folder
 * turned read-only, a folder it cannot list), said once in one line with what to do, instead of
 * Camel's default: a warning with the whole endpoint URI and a stack trace on every poll, every
 * second, or, for a folder it cannot list, nothing at all (its poll strategy checks the folder
 * before each poll, and says when it can be read again). The same problem is said again only after {@link #REPEAT} (with how often it recurred),
 * so a problem that lasts stays visible without flooding the log; readiness
 * ({@code /api/health/ready}) reports the folder's state meanwhile.
 */
public final class DropFolderErrors implements ExceptionHandler, PollingConsumerPollStrategy {
    private static final System.Logger LOG = System.getLogger(DropFolderErrors.class.getName());
    /** How long a problem already said stays quiet. */
    static final Duration REPEAT = Duration.ofMinutes(10);
    private static final int REMEMBERED = 100;

    private record Seen(Instant first, Instant lastSaid, int times) {
    }

    private final Path folder;
    private final java.util.function.Consumer<String> warn;
    private final java.util.function.Supplier<Instant> clock;
    private volatile boolean unreadable;

    /** @param folder the drop folder */
    public DropFolderErrors(Path folder) {
        this(folder, line -> LOG.log(System.Logger.Level.WARNING, line), Instant::now);
    }

    /** @param warn where the warnings go; @param clock the time (tests pass their own) */
    DropFolderErrors(Path folder, java.util.function.Consumer<String> warn, java.util.function.Supplier<Instant> clock) {
        this.folder = folder;
        this.warn = warn;
        this.clock = clock;
    }

    /** Before each poll: the folder must list, else the poll is skipped and the problem said (once). */
    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            ds.iterator().hasNext();
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            unreadable = true;
            handleException("cannot list", null, e);
            return false;
        }
        if (unreadable) {
            unreadable = false;
            synchronized (seen) {
                seen.clear();
            }
            LOG.log(System.Logger.Level.INFO, "the drop folder " + folder + " can be read again");
        }
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        // Nothing to undo or say.
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        handleException("poll failed", null, cause);
        // Not retried at once: the next poll comes after the configured delay.
        return false;
    }

    private final Map<String, Seen> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> e) {
            return size() > REMEMBERED;
        }
    };

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        String file = exchange == null ? null : exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        String reason = reason(exception);
        String line = (file == null ? "the drop folder" : "drop/" + file) + ": " + reason;
        Instant now = clock.get();
        Seen before;
        synchronized (seen) {
            before = seen.get(line);
            if (before != null && Duration.between(before.lastSaid(), now).compareTo(REPEAT) < 0) {
                seen.put(line, new Seen(before.first(), before.lastSaid(), before.times() + 1));
                return;
            }
            seen.put(line, new Seen(before == null ? now : before.first(), now, before == null ? 1 : before.times() + 1));
        }
        warn.accept("cannot take in " + line + " (" + hint(reason) + ")"
                + (before == null ? "" : "; still so, " + (before.times() + 1) + " times since " + before.first()));
    }

    /** The innermost cause in words, where the file system says what is wrong. */
    static String reason(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        if (c instanceof java.nio.file.NoSuchFileException) {
            return "does not exist";
        }
        if (c instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        if (c instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private static String hint(String reason) {
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        if (r.contains("does not exist")) {
            return "create the folder, or restart vhdflow, which creates it";
        }
        if (r.contains("read-only") || r.contains("permission denied") || r.contains("access denied")) {
            return "drop/ must be readable and writable by vhdflow: files are moved out of it; they are taken in "
                    + "once it is";
        }
        if (r.contains("no space")) {
            return "free space on the home's filesystem; the file is taken in once there is room";
        }
        return "the file stays in drop/ and is tried again at the next poll";
    }
}
