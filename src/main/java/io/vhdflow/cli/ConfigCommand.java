package io.vhdflow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdflow.pipeline.EffectiveSettings;
import io.vhdflow.pipeline.EffectiveSettings.Setting;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.SettingsSchema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vhdflow config check|show}: validate a configuration, or show the effective one with each value's origin. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Checks a configuration, or shows the effective configuration and where each value came from.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
public final class ConfigCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** {@code config check [FILE]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks every setting (configuration file, VHDFLOW_* environment variables, --set) "
                    + "before a service starts with them: unknown keys, bad values, bad cron expressions, each "
                    + "with its file and line and the closest valid key or value.",
                    "Exit 0 when valid, 4 with every problem otherwise."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        SettingsOptions options = new SettingsOptions();
        @Parameters(arity = "0..1", paramLabel = "FILE",
                description = "The file to check (the same as --config FILE).")
        Path file;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (file != null) {
                if (options.config != null && !options.config.equals(file)) {
                    throw CommandFailure.usage("config check", "FILE and --config name different files",
                            "give one of them");
                }
                options.config = file;
            }
            EffectiveSettings s = options.read(List.of());
            if (!s.problems().isEmpty()) {
                throw CommandFailure.ofSettings(new EffectiveSettings.InvalidSettingsException(s.problems()));
            }
            PrintWriter out = spec.commandLine().getOut();
            long fromFile = s.settings().values().stream()
                    .filter(v -> v.origin().source() == EffectiveSettings.Source.FILE).count();
            String where = s.settings().values().stream().filter(v -> v.origin().source()
                    == EffectiveSettings.Source.FILE).map(v -> v.origin().where()).findFirst().orElse("no file");
            if (json) {
                ObjectNode n = Json.mapper().createObjectNode();
                n.put("valid", true);
                n.put("settings", s.settings().size());
                n.put("fromFile", fromFile);
                n.put("file", where);
                out.println(n);
            } else {
                out.printf("configuration is valid: %d settings, %d from %s%n", s.settings().size(), fromFile, where);
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    /** {@code config show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Prints the effective configuration: every setting, its value and where the value came "
                    + "from (default, file and line, environment variable, flag). Credentials are never printed.",
                    "Exit 4 when a setting is invalid (the problems follow the table)."})
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        SettingsOptions options = new SettingsOptions();
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            EffectiveSettings s = options.read(List.of());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                if (!s.problems().isEmpty()) {
                    throw CommandFailure.ofSettings(new EffectiveSettings.InvalidSettingsException(s.problems()));
                }
                ArrayNode rows = Json.mapper().createArrayNode();
                for (Setting v : s.settings().values()) {
                    ObjectNode r = rows.addObject();
                    r.put("key", v.key());
                    r.put("value", shown(v));
                    ObjectNode o = r.putObject("origin");
                    o.put("source", v.origin().source().label());
                    if (!v.origin().where().isEmpty()) {
                        o.put("where", v.origin().where());
                    }
                    if (v.origin().line() > 0) {
                        o.put("line", v.origin().line());
                    }
                }
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
                out.flush();
                return ExitCode.OK;
            }
            int keyWidth = s.settings().keySet().stream().mapToInt(String::length).max().orElse(3);
            int valueWidth = Math.min(40, s.settings().values().stream().mapToInt(v -> shown(v).length()).max()
                    .orElse(5));
            out.printf("%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n", "KEY", "VALUE", "FROM");
            for (Setting v : s.settings().values()) {
                out.printf("%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n", v.key(), shown(v), v.origin().describe());
            }
            out.flush();
            if (!s.problems().isEmpty()) {
                throw CommandFailure.ofSettings(new EffectiveSettings.InvalidSettingsException(s.problems()));
            }
            return ExitCode.OK;
        }

        private static String shown(Setting v) {
            if (SettingsSchema.SECRETS.contains(v.key())) {
                return v.value().isEmpty() ? "(not set)" : "(set, hidden)";
            }
            return v.value().isEmpty() ? "(empty)" : v.value();
        }
    }
}
