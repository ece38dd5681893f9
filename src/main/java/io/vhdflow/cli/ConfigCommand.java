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
        return VhdflowCommand.noSubcommand(spec);
    }

    /** {@code config check [FILE]}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks every setting (configuration file, VHDFLOW_* environment variables, --set) "
                    + "before a service starts with them: unknown keys, bad values, bad cron expressions, each "
                    + "with its file and line and the closest valid key or value.",
                    "A FILE ending in .json is checked as a sidecar (NAME.vhd.json, the image metadata): every "
                            + "unknown field with the closest known one, wrong types and naming rules, at once.",
                    "Exit 0 when valid; 4 with every problem of a configuration, 3 with every problem of a sidecar."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        SettingsOptions options = new SettingsOptions();
        @Parameters(arity = "0..1", paramLabel = "FILE",
                description = "The configuration file to check (the same as --config FILE), or a sidecar NAME.vhd.json.")
        Path file;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        private Integer sidecar(Path f) {
            return sidecarResult(spec, options, f, json);
        }

        @Override
        public Integer call() throws Exception {
            if (file != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
                return sidecar(file);
            }
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

    /** Reads {@code file} as intake reads a sidecar and reports every problem (exit 3) or what it names. */
    private static Integer sidecarResult(CommandLine.Model.CommandSpec spec, SettingsOptions settings, Path file,
                                         boolean json) {
        InputFile.regular(file);
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw CommandFailure.ofInput(e, file);
        }
        String name = file.getFileName().toString();
        String vhd = name.substring(0, name.length() - ".json".length());
        java.util.Properties props = settings.properties();
        io.vhdflow.catalog.SidecarReader.Result r = new io.vhdflow.catalog.SidecarReader(Json.mapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS))
                .readEffective(bytes, props.getProperty("vhdflow.catalog.gallery"),
                        props.getProperty("vhdflow.catalog.publisher"),
                        vhd);
        if (!r.valid()) {
            List<String> details = r.problems().stream()
                    .map(p -> file + (p.startsWith("line ") ? " " : ": ") + p).toList();
            throw new CommandFailure("sidecar", ExitCode.INPUT_INVALID, file.toString(),
                    (details.size() == 1 ? "1 problem" : details.size() + " problems") + " in the image metadata",
                    "correct the sidecar; the README lists its fields", details);
        }
        PrintWriter out = spec.commandLine().getOut();
        io.vhdflow.catalog.ImageMetadata m = r.metadata();
        if (json) {
            out.println(Json.mapper().createObjectNode().put("valid", true).set("metadata", Json.mapper().valueToTree(m)));
        } else {
            out.println("sidecar " + file + " is valid: image " + m.gallery() + "/" + m.imageDefinition()
                    + (m.version() != null ? " version " + m.version() : " (next patch version)"));
        }
        out.flush();
        return ExitCode.OK;
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
