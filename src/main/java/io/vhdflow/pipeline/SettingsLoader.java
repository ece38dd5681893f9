package io.vhdflow.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the effective properties, later sources winning: built-in defaults
 * ({@code vhdflow-defaults.properties}), {@code <home>/application.properties} or an explicit
 * configuration file, environment variables, then command-line flags. An environment variable
 * overrides a property by the property's name upper-cased with '.' and '-' turned into '_':
 * {@code VHDFLOW_PIPELINE_CONCURRENCY} sets {@code vhdflow.pipeline.concurrency}.
 */
public final class SettingsLoader {

    private SettingsLoader() {
    }

    /** The environment variable that overrides {@code property}. */
    public static String environmentName(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * @param configFile an explicit configuration file, else {@code <home>/application.properties} if present
     * @param env        the environment (System.getenv() in production)
     * @param flags      properties given on the command line
     */
    public static Properties load(Optional<Path> configFile, Map<String, String> env, Properties flags)
            throws IOException {
        Properties p = new Properties();
        try (InputStream in = SettingsLoader.class.getResourceAsStream("/vhdflow-defaults.properties")) {
            if (in == null) {
                throw new IOException("vhdflow-defaults.properties missing from the class path: broken build");
            }
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        // The home decides where application.properties is looked for, so resolve it first.
        String home = firstNonNull(flags.getProperty("vhdflow.home"), env.get("VHDFLOW_HOME"),
                p.getProperty("vhdflow.home"));
        Path file = configFile.orElse(Path.of(home).resolve("application.properties"));
        if (configFile.isPresent() || Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IOException("cannot read configuration file " + file + ": " + e.getMessage(), e);
            }
        }
        for (String key : p.stringPropertyNames()) {
            String v = env.get(environmentName(key));
            if (v != null) {
                p.setProperty(key, v);
            }
        }
        p.putAll(flags);
        p.setProperty("vhdflow.home", Path.of(p.getProperty("vhdflow.home")).toAbsolutePath().normalize().toString());
        HomeLayout layout = new HomeLayout(Path.of(p.getProperty("vhdflow.home")));
        // Derived locations for the routes' placeholders.
        p.setProperty("vhdflow.dir.drop", layout.drop().toString());
        p.setProperty("vhdflow.dir.batch", layout.batch().toString());
        return p;
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        throw new IllegalStateException("no value");
    }
}
