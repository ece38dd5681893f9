package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --version, help wrapped at words with the exit-code table, config show, completion. */
class CommandLineHabitsTest {
    @TempDir
    Path dir;

    @Test
    void versionNamesTheVersionAndTheBuild() {
        Cli.Run r = Cli.run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().matches("vhdflow \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, "
                + "Java [0-9.]+\\)\\R"), r.out());
    }

    /** Every command's help, as {@code vhdflow <command> --help} prints it. */
    private static List<CommandLine> allCommands() {
        List<CommandLine> out = new ArrayList<>();
        collect(VhdflowCommand.commandLine(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().stream().distinct().forEach(s -> collect(s, out));
    }

    @Test
    void helpIsWrappedAtWordsAndShowsTheExitCodes() {
        for (CommandLine cl : allCommands()) {
            String name = cl.getCommandSpec().qualifiedName();
            String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            int width = cl.getCommandSpec().usageMessage().width();
            // Every word of every description appears whole: a line break only ever replaces a space.
            String flowing = help.replaceAll("\\s+", " ");
            List<String> texts = new ArrayList<>(Arrays.asList(cl.getCommandSpec().usageMessage().description()));
            cl.getCommandSpec().options().stream().filter(o -> !o.hidden())
                    .forEach(o -> texts.add(String.join(" ", o.description())));
            cl.getCommandSpec().positionalParameters().forEach(p -> texts.add(String.join(" ", p.description())));
            for (String text : texts) {
                for (String word : HelpLayout.newlines(text).split("\\s+")) {
                    assertTrue(flowing.contains(word), name + ": the word '" + word + "' is split:\n" + help);
                }
            }
            for (String line : help.lines().toList()) {
                assertTrue(line.length() <= width || !line.strip().contains(" "),
                        name + ": a line longer than " + width + ": " + line);
            }
            assertTrue(help.contains("Exit codes:"), name);
            for (Map.Entry<String, String> e : ExitCode.table().entrySet()) {
                assertTrue(flowing.contains(e.getKey() + " " + e.getValue().split(" ")[0]), name + " lists exit code "
                        + e.getKey() + ":\n" + help);
            }
        }
    }

    @Test
    void configShowSaysWhereEachValueCameFromAndHidesCredentials() throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"),
                "# tuned\nvhdflow.pipeline.concurrency=4\nvhdflow.api.token=s3cret\n");
        Cli.Run r = Cli.run("config", "show", "--home", dir.toString(), "--config", config.toString(),
                "--set", "vhdflow.backup.retention=9");
        assertEquals(0, r.exit(), r.err());
        String concurrency = r.out().lines().filter(l -> l.startsWith("vhdflow.pipeline.concurrency ")).findFirst()
                .orElseThrow();
        assertTrue(concurrency.matches("vhdflow\\.pipeline\\.concurrency +4 +.*app\\.properties line 2"), concurrency);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("vhdflow\\.backup\\.retention +9 +flag --set "
                + "vhdflow\\.backup\\.retention")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("vhdflow\\.intake\\.poll-ms +1000 +default")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("vhdflow\\.api\\.token +\\(set, hidden\\) +.*")), r.out());
        assertTrue(!r.out().contains("s3cret"), "the token is never printed");

        Cli.Run json = Cli.run("config", "show", "--home", dir.toString(), "--config", config.toString(),
                "--json");
        JsonNode rows = Json.mapper().readTree(json.out());
        JsonNode c = null;
        for (JsonNode row : rows) {
            if (row.path("key").asText().equals("vhdflow.pipeline.concurrency")) {
                c = row;
            }
        }
        assertEquals("file", c.at("/origin/source").asText());
        assertEquals(2, c.at("/origin/line").asInt());

        Cli.Run ok = Cli.run("config", "check", config.toString(), "--home", dir.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().startsWith("configuration is valid"), ok.out());
    }

    @Test
    void aSidecarIsCheckedWithEveryProblemAtOnce() throws Exception {
        Path sidecar = Files.writeString(dir.resolve("web.vhd.json"), String.join("\n", "{",
                "  \"galery\": \"prod\",",
                "  \"imageDefinition\": \"web server\",",
                "  \"excludeFromLatest\": \"no\",",
                "  \"recommended\": {\"vCpuMin\": 2},",
                "  \"version\": \"1.0\"",
                "}"));
        Cli.Run r = Cli.run("config", "check", sidecar.toString(), "--home", dir.toString());
        assertEquals(ExitCode.INPUT_INVALID, r.exit());
        List<String> lines = r.err().lines().toList();
        // The five mistakes, and the offer the invalid image name would have given (it defaults to that name).
        assertEquals(6, lines.size(), r.err());
        assertEquals("vhdflow: " + sidecar + " line 2: 'galery' is not an image metadata field (did you mean "
                + "'gallery'?)", lines.get(0));
        assertTrue(r.err().contains("line 4: 'excludeFromLatest' must be true or false, not \"no\""), r.err());
        assertTrue(r.err().contains("'recommended.vCpuMin' is not a field of recommended (did you mean "
                + "'recommended.vCpusMin'?)"), r.err());
        assertTrue(r.err().contains("image definition name 'web server'"), r.err());
        assertTrue(r.err().contains("image version '1.0'"), r.err());

        Path good = Files.writeString(dir.resolve("good.vhd.json"), "{\"imageDefinition\": \"web\", \"version\": \"1.2.3\"}");
        Cli.Run ok = Cli.run("config", "check", good.toString(), "--home", dir.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("sidecar " + good + " is valid: image vhdflow/web version 1.2.3", ok.out().strip());
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        Cli.Run r = Cli.run("completion");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("complete -F"), "a bash completion script");
        for (String sub : List.of("inspect", "jobs", "config", "catalog", "completion")) {
            assertTrue(r.out().contains(sub), sub);
        }
        assertEquals(Path.of("/data/bash-completion/completions/vhdflow"), CompletionCommand.target("/data", "/home/u"));
        assertEquals(Path.of("/home/u/.local/share/bash-completion/completions/vhdflow"),
                CompletionCommand.target(null, "/home/u"));
    }

    @Test
    void sizesAndTimesAreForPeople() {
        assertEquals("512 B", Units.bytes(512));
        assertEquals("1.5 GiB", Units.bytes(3L << 29));
        assertEquals("4.0 TiB", Units.bytes(4L << 40));
        assertEquals("85.3 MiB/s", Units.rate(85.3 * (1 << 20)));
        assertEquals("850 ms", Units.duration(java.time.Duration.ofMillis(850)));
        assertEquals("3 min 5 s", Units.duration(java.time.Duration.ofSeconds(185)));
        assertEquals("2 h 10 min", Units.duration(java.time.Duration.ofMinutes(130)));
        assertEquals("2026-05-01T10:00:00Z", Units.time(java.time.Instant.parse("2026-05-01T10:00:00.123456Z")));
    }
}
