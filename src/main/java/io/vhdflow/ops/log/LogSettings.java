package io.vhdflow.ops.log;

import org.slf4j.event.Level;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the service logs and how: the lowest level written, the format, and the libraries kept
 * quieter than vhdflow itself (Quartz, Flyway and Camel's start-up chatter write warnings and
 * errors only, so the log says what vhdflow is doing).
 *
 * @param level  the lowest level written
 * @param format text or JSON lines
 */
public record LogSettings(Level level, LogFormat format) {
    /**
     * Logger name prefixes whose INFO lines are noise, or untrue, to an operator: Camel's HTTP
     * summary lists every endpoint on 0.0.0.0 whatever the bound address, Quartz says a disabled
     * batch is "scheduled", Camel's Prometheus support says metrics are "not enabled" while
     * vhdflow serves them. vhdflow logs the true lines itself (ops.camel.StartupSummary).
     */
    private static final Map<String, Level> QUIET = Map.of(
            "org.quartz", Level.WARN,
            "org.flywaydb", Level.WARN,
            // The shared database's pool: its start and stop lines are noise on every 'vhdflow jobs'.
            "com.zaxxer.hikari", Level.WARN,
            "org.apache.camel.main", Level.WARN,
            "org.apache.camel.component.platform.http.main", Level.WARN,
            "org.apache.camel.component.quartz", Level.WARN,
            "org.apache.camel.component.micrometer", Level.WARN);

    public static LogSettings defaults() {
        return new LogSettings(Level.INFO, LogFormat.TEXT);
    }

    /** A level named {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace} (any case). */
    public static Optional<Level> level(String name) {
        try {
            return Optional.of(Level.valueOf(String.valueOf(name).strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The lowest level written for the logger {@code name}. */
    public Level levelFor(String name) {
        for (Map.Entry<String, Level> q : QUIET.entrySet()) {
            if (name.startsWith(q.getKey())) {
                // Quiet libraries are never more verbose than vhdflow itself.
                return q.getValue().toInt() > level.toInt() ? q.getValue() : level;
            }
        }
        return level;
    }
}
