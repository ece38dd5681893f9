package io.vhdflow.ops.log;

import java.util.Locale;
import java.util.Optional;

/** How log lines are written: readable text, or one JSON object per line for log collectors. */
public enum LogFormat {
    TEXT, JSON;

    /** The format named {@code text} or {@code json} (any case), or empty. */
    public static Optional<LogFormat> named(String name) {
        for (LogFormat f : values()) {
            if (f.label().equalsIgnoreCase(String.valueOf(name).strip())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
