package io.vhdflow.pipeline;

import io.vhdflow.pipeline.EffectiveSettings.Origin;
import io.vhdflow.pipeline.EffectiveSettings.Problem;
import io.vhdflow.pipeline.EffectiveSettings.Setting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the effective configuration, later sources winning: built-in defaults
 * ({@code vhdflow-defaults.properties}), {@code <home>/application.properties} or an explicit
 * configuration file, environment variables, then command-line flags. An environment variable
 * overrides a property by the property's name upper-cased with '.' and '-' turned into '_':
 * {@code VHDFLOW_PIPELINE_CONCURRENCY} sets {@code vhdflow.pipeline.concurrency}.
 *
 * <p>Strict: an unknown key, a value of the wrong type or out of range, a bad cron expression, a
 * key set twice in one file, and a {@code VHDFLOW_*} variable that is a near miss of a real one
 * are problems, each naming the key, where it was set (file and line) and the bad value, with
 * the closest valid key or value. All of them are collected, so one run shows every mistake.
 */
public final class SettingsLoader {
    private static final String DEFAULTS = "/vhdflow-defaults.properties";

    private SettingsLoader() {
    }

    /** The environment variable that overrides {@code property}. */
    public static String environmentName(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The effective properties, or every problem at once.
     *
     * @param configFile an explicit configuration file, else {@code <home>/application.properties} if present
     * @param env        the environment (System.getenv() in production)
     * @param flags      properties given on the command line
     * @throws IOException when the configuration file cannot be read
     * @throws EffectiveSettings.InvalidSettingsException listing every problem
     */
    public static Properties load(Optional<Path> configFile, Map<String, String> env, Properties flags)
            throws IOException {
        List<Setting> given = new ArrayList<>();
        for (String key : new TreeSet<>(flags.stringPropertyNames())) {
            given.add(new Setting(key, flags.getProperty(key), Origin.flag("--set " + key)));
        }
        return read(configFile, env, given).validProperties();
    }

    /**
     * Reads every source and checks every value, keeping the origin of each.
     *
     * @param flags settings from the command line, each with the flag that gave it
     * @throws IOException when the configuration file cannot be read
     */
    public static EffectiveSettings read(Optional<Path> configFile, Map<String, String> env, List<Setting> flags)
            throws IOException {
        Map<String, Setting> values = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (Entry e : defaults()) {
            values.put(e.key(), new Setting(e.key(), e.value(), Origin.DEFAULT));
        }
        // The home decides where application.properties is looked for, so resolve it first.
        String home = flags.stream().filter(f -> f.key().equals("vhdflow.home")).map(Setting::value)
                .reduce((a, b) -> b).orElse(env.getOrDefault(environmentName("vhdflow.home"),
                        values.get("vhdflow.home").value()));
        Path file = configFile.orElse(Path.of(home).resolve("application.properties"));
        if (configFile.isPresent() || Files.exists(file)) {
            readFile(file, values, problems);
        }
        readEnvironment(env, values, problems);
        for (Setting f : flags) {
            accept(f, values, problems);
        }
        Setting h = values.get("vhdflow.home");
        if (!h.value().isBlank()) {
            Path abs = Path.of(h.value()).toAbsolutePath().normalize();
            values.put("vhdflow.home", new Setting("vhdflow.home", abs.toString(), h.origin()));
            Setting d = values.get("vhdflow.data");
            boolean shared = d != null && !d.value().isBlank();
            HomeLayout layout = shared ? new HomeLayout(abs, Path.of(d.value())) : new HomeLayout(abs);
            if (shared) {
                values.put("vhdflow.data", new Setting("vhdflow.data", layout.data().toString(), d.origin()));
            }
            Origin derived = new Origin(EffectiveSettings.Source.DERIVED, shared ? "vhdflow.data" : "vhdflow.home", 0);
            // Derived locations for the routes' placeholders.
            values.put("vhdflow.dir.drop", new Setting("vhdflow.dir.drop", layout.drop().toString(), derived));
            values.put("vhdflow.dir.batch", new Setting("vhdflow.dir.batch", layout.batch().toString(), derived));
        }
        if (problems.isEmpty()) {
            crossChecks(values, problems);
        }
        return new EffectiveSettings(values, problems);
    }

    /** One {@code key=value} of a properties file, with the line it starts on. */
    record Entry(String key, String value, int line) {
    }

    /**
     * The entries of a properties text in order, with line numbers: each logical line (a line
     * and its backslash continuations) is read by {@link Properties} itself, so escapes and
     * continuations mean exactly what they mean to Java.
     */
    static List<Entry> entries(BufferedReader reader) throws IOException {
        List<String> lines = reader.lines().toList();
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String first = lines.get(i).stripLeading();
            if (first.isEmpty() || first.startsWith("#") || first.startsWith("!")) {
                continue;
            }
            int start = i;
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (continues(lines.get(i)) && i + 1 < lines.size()) {
                i++;
                logical.append('\n').append(lines.get(i));
            }
            Properties p = new Properties();
            p.load(new StringReader(logical.toString()));
            for (String k : p.stringPropertyNames()) {
                out.add(new Entry(k, p.getProperty(k), start + 1));
            }
        }
        return out;
    }

    /** Whether a line ends in an odd number of backslashes (continued on the next line). */
    private static boolean continues(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    private static List<Entry> defaults() throws IOException {
        try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IOException("vhdflow-defaults.properties is missing from the class path: a broken build");
            }
            return entries(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        }
    }

    private static void readFile(Path file, Map<String, Setting> values, List<Problem> problems) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException("the configuration file " + file + " is not a regular file");
        }
        List<Entry> entries;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            entries = entries(r);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException("the configuration file " + file + " is not UTF-8 text", e);
        }
        Map<String, Integer> seen = new HashMap<>();
        Path abs = file.toAbsolutePath().normalize();
        for (Entry e : entries) {
            Integer before = seen.put(e.key(), e.line());
            Origin origin = Origin.file(abs, e.line());
            if (before != null) {
                problems.add(new Problem(e.key(), shown(e.key(), e.value()), origin,
                        "is set again (first on line " + before + "); keep one", Optional.empty()));
            }
            accept(new Setting(e.key(), e.value(), origin), values, problems);
        }
    }

    private static void readEnvironment(Map<String, String> env, Map<String, Setting> values, List<Problem> problems) {
        Map<String, String> byVariable = new LinkedHashMap<>();
        for (String key : SettingsSchema.keys()) {
            byVariable.put(environmentName(key), key);
        }
        for (String key : values.keySet()) {
            byVariable.putIfAbsent(environmentName(key), key);
        }
        for (Map.Entry<String, String> v : new java.util.TreeMap<>(env).entrySet()) {
            String key = byVariable.get(v.getKey());
            if (key != null) {
                accept(new Setting(key, v.getValue(), Origin.environment(v.getKey())), values, problems);
            } else if (v.getKey().startsWith("VHDFLOW_")) {
                // Other tools' VHDFLOW_* variables pass; a near miss of a real one is a typo that would be ignored.
                Optional<String> near = SettingsSchema.closest(v.getKey(), byVariable.keySet());
                near.ifPresent(n -> problems.add(new Problem(v.getKey(), shown(byVariable.get(n), v.getValue()),
                        Origin.environment(v.getKey()), "is not a vhdflow setting", Optional.of(n))));
            }
        }
    }

    /** Checks one setting and records it (a bad value too, so {@code config show} shows what was given). */
    private static void accept(Setting s, Map<String, Setting> values, List<Problem> problems) {
        String key = s.key();
        if (SettingsSchema.DERIVED.containsKey(key)) {
            problems.add(new Problem(key, s.value(), s.origin(), "is derived from "
                    + SettingsSchema.DERIVED.get(key) + " and cannot be set", Optional.of(SettingsSchema.DERIVED.get(key))));
            return;
        }
        if (!SettingsSchema.known(key)) {
            problems.add(new Problem(key, shown(key, s.value()), s.origin(), "is not a vhdflow setting",
                    SettingsSchema.closest(key, SettingsSchema.keys())));
            return;
        }
        SettingsSchema.check(key, s.value()).ifPresent(p -> problems.add(new Problem(key, shown(key, s.value()),
                s.origin(), p, SettingsSchema.closestValue(key, s.value()))));
        values.put(key, s);
    }

    /** Rules that span keys, checked once every value is valid on its own. */
    private static void crossChecks(Map<String, Setting> values, List<Problem> problems) {
        Properties p = new Properties();
        values.values().forEach(s -> p.setProperty(s.key(), s.value()));
        try {
            io.vhdflow.catalog.upload.UploadSettings.from(p);
        } catch (IllegalArgumentException e) {
            Setting enabled = values.get("vhdflow.upload.enabled");
            problems.add(new Problem(enabled.key(), enabled.value(), enabled.origin(), e.getMessage(),
                    Optional.empty()));
        }
    }

    /** A value as problems show it: credentials never. */
    private static String shown(String key, String value) {
        return SettingsSchema.SECRETS.contains(key) && !value.isEmpty() ? "(hidden)" : value;
    }

    /** Keys of the built-in defaults file, for the test that keeps it and the schema in step. */
    static Set<String> defaultKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        defaults().forEach(e -> keys.add(e.key()));
        return keys;
    }
}
