package io.vhdflow.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The effective configuration: every setting with its value and where that value came from
 * (built-in default, a line of the configuration file, an environment variable, a command-line
 * flag), and every problem found while reading it. {@link SettingsLoader} builds it;
 * {@code vhdflow config show} prints it and {@code vhdflow config check} its problems.
 */
public final class EffectiveSettings {

    /** Where a value came from. */
    public enum Source {
        DEFAULT, FILE, ENVIRONMENT, FLAG, DERIVED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param source the kind of source
     * @param where  the file, the environment variable or the flag; empty for defaults
     * @param line   the line in the file (first line of a continued entry), 0 elsewhere
     */
    public record Origin(Source source, String where, int line) {
        public static final Origin DEFAULT = new Origin(Source.DEFAULT, "", 0);

        public static Origin file(Path file, int line) {
            return new Origin(Source.FILE, file.toString(), line);
        }

        public static Origin environment(String variable) {
            return new Origin(Source.ENVIRONMENT, variable, 0);
        }

        public static Origin flag(String flag) {
            return new Origin(Source.FLAG, flag, 0);
        }

        /** "default", "/etc/vhdflow.properties line 12", "environment VHDFLOW_X", "flag --port". */
        public String describe() {
            return switch (source) {
                case DEFAULT -> "default";
                case FILE -> where + " line " + line;
                case ENVIRONMENT -> "environment " + where;
                case FLAG -> "flag " + where;
                case DERIVED -> "derived from " + where;
            };
        }
    }

    /** One setting: its key, effective value and origin. */
    public record Setting(String key, String value, Origin origin) {
    }

    /**
     * What is wrong with one setting.
     *
     * @param key        the key as written (which may be a misspelling)
     * @param value      the value as written
     * @param origin     where it was written
     * @param problem    what is wrong, e.g. "must be a whole number from 1 to 1024"
     * @param suggestion the closest valid key or value, when one is close
     */
    public record Problem(String key, String value, Origin origin, String problem, Optional<String> suggestion) {
        /** One line: {@code <origin>: <key>=<value>: <problem> (did you mean <suggestion>?)}. */
        public String describe() {
            return origin.describe() + ": " + key + "=" + value + ": " + problem
                    + suggestion.map(s -> " (did you mean " + s + "?)").orElse("");
        }
    }

    private final Map<String, Setting> settings;
    private final List<Problem> problems;

    EffectiveSettings(Map<String, Setting> settings, List<Problem> problems) {
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        this.problems = List.copyOf(problems);
    }

    /** Every setting, by key. */
    public Map<String, Setting> settings() {
        return settings;
    }

    public Optional<Setting> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** Every problem, in the order found: file lines first, then environment, then flags. */
    public List<Problem> problems() {
        return problems;
    }

    /** The values as properties (what the services and the Camel routes read). */
    public Properties properties() {
        Properties p = new Properties();
        settings.values().forEach(s -> p.setProperty(s.key(), s.value()));
        return p;
    }

    /** The properties, or every problem at once as an {@link InvalidSettingsException}. */
    public Properties validProperties() {
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return properties();
    }

    /** Thrown when a configuration has problems; carries all of them. */
    public static final class InvalidSettingsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient List<Problem> problems;

        public InvalidSettingsException(List<Problem> problems) {
            super(summary(problems));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }

        private static String summary(List<Problem> problems) {
            List<String> lines = new ArrayList<>();
            problems.forEach(p -> lines.add(p.describe()));
            return (problems.size() == 1 ? "1 setting is" : problems.size() + " settings are") + " invalid: "
                    + String.join("; ", lines);
        }
    }
}
