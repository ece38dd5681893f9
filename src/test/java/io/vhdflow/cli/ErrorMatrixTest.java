package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.HomeLock;
import io.vhdflow.pipeline.Json;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wrong invocations a new user makes first, each answered with one line in the error style
 * ({@code vhdflow: <what failed>: <why> (<what to do>)}), the exit code of {@link ExitCode}'s table
 * and no Java class name; with {@code --json}, the same as {@code {"error":{…}}} on stdout and
 * nothing on stderr.
 */
class ErrorMatrixTest {
    /** One line in the error style: what failed, why, and what to do in parentheses. */
    private static final Pattern STYLE = Pattern.compile("vhdflow: [^\\n]+: [^\\n]+ \\([^\\n]+\\)");
    private static final Pattern CLASS_NAME = Pattern.compile(
            "(Exception|Error\\b(?! in )|java\\.|picocli\\.|io\\.vhdflow\\.|\\tat |\\$)");

    @TempDir
    Path dir;

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    /** The matrix: case name → the arguments and the exit code they must give. */
    private Map<String, Object[]> cases() throws Exception {
        Path image = Fixtures.extract("vhd/dynamic.vhd.zst", dir);
        Path existing = Files.write(dir.resolve("existing.vhd"), new byte[] {1});
        Path folder = Files.createDirectory(dir.resolve("folder.vhd"));
        Path fifo = dir.resolve("pipe.vhd");
        ExternalTools.require(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo (coreutils) could not make a FIFO");
        Path badConfig = Files.writeString(dir.resolve("bad.properties"),
                "# a typo\nvhdflow.pipeline.concurency=4\n");
        Path badSidecar = Files.writeString(dir.resolve("x.vhd.json"), "{\n  \"galery\": \"prod\"\n}\n");
        Path notWritable = Files.writeString(dir.resolve("a-file"), "x").resolve("home");

        Map<String, Object[]> m = new LinkedHashMap<>();
        m.put("missing file", new Object[] {ExitCode.INPUT_INVALID, "inspect", dir.resolve("nope.vhd").toString()});
        m.put("directory", new Object[] {ExitCode.INPUT_INVALID, "vhd", "info", folder.toString()});
        m.put("FIFO", new Object[] {ExitCode.INPUT_INVALID, "inspect", fifo.toString()});
        m.put("FIFO to vhd check", new Object[] {ExitCode.INPUT_INVALID, "vhd", "check", fifo.toString()});
        m.put("FIFO to vhd info", new Object[] {ExitCode.INPUT_INVALID, "vhd", "info", fifo.toString()});
        m.put("existing output", new Object[] {ExitCode.ENVIRONMENT, "vhd", "convert", image.toString(),
                existing.toString()});
        m.put("bad flag", new Object[] {ExitCode.USAGE, "inspect", "--jsn", image.toString()});
        m.put("bad waiver", new Object[] {ExitCode.USAGE, "inspect", "--waive", "W55", image.toString()});
        m.put("no subcommand", new Object[] {ExitCode.USAGE, "vhd", "frobnicate"});
        m.put("bad option value", new Object[] {ExitCode.USAGE, "jobs", "--limit", "many", "--home", dir.toString()});
        m.put("bad config key", new Object[] {ExitCode.ENVIRONMENT, "config", "check", badConfig.toString()});
        m.put("bad config key at run", new Object[] {ExitCode.ENVIRONMENT, "run", "--home", dir.resolve("h1").toString(),
                "--config", badConfig.toString()});
        m.put("bad sidecar", new Object[] {ExitCode.INPUT_INVALID, "config", "check", badSidecar.toString()});
        m.put("unwritable home", new Object[] {ExitCode.ENVIRONMENT, "run", "--home", notWritable.toString(),
                "--port", "1"});
        return m;
    }

    @Test
    void everyWrongInvocationIsOneLineInTheErrorStyleWithItsExitCode() throws Exception {
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, Object[]> c : cases().entrySet()) {
            int expected = (Integer) c.getValue()[0];
            String[] args = java.util.Arrays.copyOfRange(c.getValue(), 1, c.getValue().length, String[].class);
            Cli.Run r = run(args);
            String line = r.err().strip();
            report.add(c.getKey() + " -> " + r.exit() + ": " + line);
            assertEquals(expected, r.exit(), c.getKey() + ": " + r.err());
            assertStyle(c.getKey(), r.err());
            assertEquals("", r.out(), c.getKey() + ": nothing on stdout");

            Cli.Run json = run(withJson(args));
            assertEquals(expected, json.exit(), c.getKey() + " --json: " + json.err());
            assertEquals("", json.err(), c.getKey() + " --json: nothing on stderr");
            JsonNode error = Json.mapper().readTree(json.out()).path("error");
            assertFalse(error.path("kind").asText().isBlank(), c.getKey() + ": " + json.out());
            assertFalse(error.path("message").asText().isBlank(), c.getKey() + ": " + json.out());
            assertFalse(error.path("hint").asText().isBlank(), c.getKey() + ": " + json.out());
            assertFalse(CLASS_NAME.matcher(json.out()).find(), c.getKey() + ": " + json.out());
        }
        System.getLogger(getClass().getName()).log(System.Logger.Level.DEBUG, String.join("\n", report));
    }

    @Test
    void theLinesSayWhatToDo() throws Exception {
        Map<String, Object[]> cases = cases();
        Map<String, String> expected = Map.of(
                "missing file", "nope.vhd: no such file (check the path)",
                "directory", "folder.vhd: is a directory, not an image file",
                "FIFO", "pipe.vhd: is a FIFO (named pipe), not a regular file; it was not opened",
                "existing output", "existing.vhd: already exists (pass -f or --force to replace it",
                "bad flag", "vhdflow: inspect: unknown option '--jsn' (did you mean --json?",
                "bad waiver", "vhdflow: inspect: --waive names no check: W55 ('vhdflow checks' lists the ids) (did you "
                        + "mean W",
                "bad config key", "bad.properties line 2: vhdflow.pipeline.concurency=4: is not a vhdflow setting "
                        + "(did you mean vhdflow.pipeline.concurrency?)",
                "bad sidecar", "x.vhd.json line 2: 'galery' is not an image metadata field (did you mean 'gallery'?)",
                "unwritable home", "cannot create");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Object[] c = cases.get(e.getKey());
            Cli.Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length, String[].class));
            assertTrue(r.err().contains(e.getValue()), e.getKey() + ": " + r.err());
        }
    }

    @Test
    void aPortInUseStopsTheServiceBeforeItStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Path home = dir.resolve("home");
            Cli.Run r = run("run", "--home", home.toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(ExitCode.ENVIRONMENT, r.exit(), r.err());
            assertStyle("port in use", r.err());
            assertTrue(r.err().contains("127.0.0.1:" + taken.getLocalPort() + ": the port is in use by another "
                    + "program (stop that program, or choose another port: --port N or vhdflow.http.port)"), r.err());
            Cli.Run json = run("run", "--home", home.toString(), "--port", String.valueOf(taken.getLocalPort()), "--json");
            assertEquals("port-in-use", Json.mapper().readTree(json.out()).at("/error/kind").asText());
        }
    }

    @Test
    void aHomeHeldByAnotherServiceIsRefused() throws Exception {
        HomeLayout home = new HomeLayout(dir.resolve("held")).create();
        try (HomeLock held = HomeLock.acquire(home)) {
            Cli.Run r = run("run", "--home", home.home().toString(), "--port", "1");
            assertEquals(ExitCode.ENVIRONMENT, r.exit(), r.err());
            assertStyle("home locked", r.err());
            assertTrue(r.err().contains("another vhdflow service is running on it (stop that service first"), r.err());
        }
    }

    @Test
    void aDamagedDatabaseIsOneLineWithWhatToDo() throws Exception {
        HomeLayout home = new HomeLayout(dir.resolve("damaged")).create();
        Files.write(home.database(), new byte[8192]);
        Files.writeString(home.database(), "this is not a database at all, but it is long enough to be read as a page");
        Cli.Run r = run("run", "--home", home.home().toString(), "--port", "1");
        assertEquals(ExitCode.ENVIRONMENT, r.exit(), r.err());
        assertStyle("damaged database", r.err());
        assertTrue(r.err().contains("is damaged or not a SQLite database"), r.err());
        assertTrue(r.err().contains("restore it from a backup, or move it aside"), r.err());
    }

    @Test
    void severalConfigurationProblemsAreAllReportedEachOnItsLine() throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"), String.join("\n",
                "vhdflow.http.port=99999",
                "vhdflow.batch.cron=every night",
                "vhdflow.verify.policy=marketplce",
                "vhdflow.intake.ready-marker=yes",
                "vhdflow.pipline.concurrency=2", ""));
        Cli.Run r = run("config", "check", config.toString());
        assertEquals(ExitCode.ENVIRONMENT, r.exit());
        List<String> lines = r.err().lines().toList();
        assertEquals(5, lines.size(), r.err());
        lines.forEach(l -> assertTrue(l.startsWith("vhdflow: " + config.toAbsolutePath() + " line "), l));
        assertTrue(lines.get(0).contains("line 1: vhdflow.http.port=99999: must be a whole number from 1 to 65535"),
                lines.get(0));
        assertTrue(lines.get(1).contains("line 2: vhdflow.batch.cron=every night: is not a Quartz cron expression"),
                lines.get(1));
        assertTrue(lines.get(2).contains("(did you mean marketplace?)"), lines.get(2));
        assertTrue(lines.get(3).contains("must be true or false"), lines.get(3));
        assertTrue(lines.get(4).contains("(did you mean vhdflow.pipeline.concurrency?)"), lines.get(4));
        Cli.Run json = run("config", "check", config.toString(), "--json");
        assertEquals(5, Json.mapper().readTree(json.out()).at("/error/details").size(), json.out());
    }

    @Test
    void debugAddsTheStackTraceAndNothingElseDoes() {
        Cli.Run plain = run("inspect", dir.resolve("nope.vhd").toString());
        assertEquals(1, plain.err().lines().count(), plain.err());
        Cli.Run debug = run("inspect", dir.resolve("nope.vhd").toString(), "--debug");
        assertTrue(debug.err().lines().count() > 3, debug.err());
        assertTrue(debug.err().contains("NoSuchFileException"), "the trace names the exception: " + debug.err());
    }

    @Test
    void noSubcommandPrintsTheUsageAndExits64() {
        Cli.Run r = run();
        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.err().contains("Usage: vhdflow"), r.err());
    }

    private static void assertStyle(String name, String err) {
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), name + ": one line: " + err);
        assertTrue(STYLE.matcher(lines.get(0)).matches(), name + ": the error style: " + lines.get(0));
        assertFalse(CLASS_NAME.matcher(lines.get(0)).find(), name + ": no Java class name: " + lines.get(0));
    }

    private static String[] withJson(String[] args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = "--json";
        return out;
    }
}
