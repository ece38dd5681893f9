package io.vhdflow.cli;

import io.vhdflow.pipeline.EffectiveSettings;
import io.vhdflow.pipeline.EffectiveSettings.Origin;
import io.vhdflow.pipeline.EffectiveSettings.Setting;
import io.vhdflow.pipeline.SettingsLoader;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The options every command that reads a home's configuration takes, and the one way they are
 * read: built-in defaults, then the configuration file, the environment, then these flags, every
 * value checked (see {@link SettingsLoader}); a configuration with problems fails with all of them.
 */
final class SettingsOptions {
    @Option(names = "--home", paramLabel = "DIR", description = "Home folder (default ./vhdflow-home, or $VHDFLOW_HOME).")
    Path home;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file instead of <home>/application.properties.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Set a property for this run, e.g. --set vhdflow.pipeline.concurrency=4.")
    Map<String, String> set = new LinkedHashMap<>();

    /** Every source read and checked; {@code extra} are settings of the command's own flags (e.g. --port). */
    EffectiveSettings read(List<Setting> extra) {
        List<Setting> flags = new ArrayList<>();
        set.forEach((k, v) -> flags.add(new Setting(k, v, Origin.flag("--set " + k))));
        if (home != null) {
            flags.add(new Setting("vhdflow.home", home.toString(), Origin.flag("--home")));
        }
        flags.addAll(extra);
        try {
            return SettingsLoader.read(Optional.ofNullable(config), System.getenv(), flags);
        } catch (IOException e) {
            Path file = config != null ? config : Path.of("application.properties");
            throw CommandFailure.environment("config", "configuration file " + file, CommandFailure.why(e),
                    config != null ? "check the path given to --config" : "check the file's permissions").withCause(e);
        }
    }

    /** The effective properties; a configuration with problems fails with every problem (exit 4). */
    Properties properties(List<Setting> extra) {
        EffectiveSettings s = read(extra);
        try {
            return s.validProperties();
        } catch (EffectiveSettings.InvalidSettingsException e) {
            throw CommandFailure.ofSettings(e);
        }
    }

    Properties properties() {
        return properties(List.of());
    }
}
