package io.vhdflow.ops.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The loggers of the process, writing to standard error (standard output is the commands' own) in
 * the configured {@link LogSettings}. {@code vhdflow run} configures it from its options and
 * settings before the service starts; until then it logs INFO and above as text.
 */
public final class ConsoleLoggerFactory implements ILoggerFactory {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX");

    private final ConcurrentMap<String, ConsoleLogger> loggers = new ConcurrentHashMap<>();
    private final PrintStream out;
    private volatile LogSettings settings = LogSettings.defaults();

    ConsoleLoggerFactory(PrintStream out) {
        this.out = out;
    }

    /** The factory SLF4J uses in this process, when it is vhdflow's own (it is, unless a test swapped it). */
    public static Optional<ConsoleLoggerFactory> current() {
        return LoggerFactory.getILoggerFactory() instanceof ConsoleLoggerFactory f ? Optional.of(f) : Optional.empty();
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new ConsoleLogger(n, this));
    }

    public LogSettings settings() {
        return settings;
    }

    /** Applies {@code s} to every logger, existing and future. */
    public void configure(LogSettings s) {
        settings = s;
    }

    boolean enabled(String name, Level level) {
        return level.toInt() >= settings.levelFor(name).toInt();
    }

    void write(String name, Level level, String message, Throwable t) {
        OffsetDateTime now = OffsetDateTime.now();
        String thread = Thread.currentThread().getName();
        LogSettings s = settings;
        String line = s.format() == LogFormat.JSON ? json(now, level, name, thread, message, t)
                : text(now, level, name, thread, message, t, s.level().toInt() <= Level.DEBUG.toInt());
        // One print per record, so lines of concurrent threads never interleave.
        out.print(line);
        out.flush();
    }

    /**
     * One line per record; an exception is summarised on the same line (its causes' messages)
     * unless the level is debug or trace, so a failure repeated every poll is one line each time,
     * not a screen of stack trace.
     */
    private static String text(OffsetDateTime now, Level level, String name, String thread, String message,
                               Throwable t, boolean traces) {
        StringBuilder b = new StringBuilder(128);
        b.append(TIME.format(now)).append(" [").append(thread).append("] ").append(level).append(' ')
                .append(name.substring(name.lastIndexOf('.') + 1)).append(" - ").append(message);
        if (t != null && !traces) {
            b.append(" (").append(summary(t)).append("; --log-level debug shows the stack trace)");
        }
        b.append(System.lineSeparator());
        if (t != null && traces) {
            b.append(stackTrace(t));
        }
        return b.toString();
    }

    /** {@code IOException: disk full; caused by ...}: each cause once, at most five. */
    static String summary(Throwable t) {
        StringBuilder b = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c) && seen.size() <= 5; c = c.getCause()) {
            if (b.length() > 0) {
                b.append("; caused by ");
            }
            b.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                b.append(": ").append(c.getMessage().replace('\n', ' '));
            }
        }
        return b.toString();
    }

    private static String json(OffsetDateTime now, Level level, String name, String thread, String message,
                               Throwable t) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"time\":");
        quote(b, TIME.format(now));
        b.append(",\"level\":");
        quote(b, level.toString());
        b.append(",\"logger\":");
        quote(b, name);
        b.append(",\"thread\":");
        quote(b, thread);
        b.append(",\"message\":");
        quote(b, message);
        if (t != null) {
            b.append(",\"error\":");
            quote(b, String.valueOf(t.getMessage()));
            b.append(",\"errorType\":");
            quote(b, t.getClass().getName());
            b.append(",\"stack\":");
            quote(b, stackTrace(t));
        }
        return b.append('}').append(System.lineSeparator()).toString();
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    /** Appends {@code s} as a JSON string (RFC 8259 escapes). */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
