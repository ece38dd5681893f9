package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.vhdflow.pipeline.camel.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the service (a separate JVM) in the middle of the job's one read pass (the
 * backup stage: backup, staged conversion and digests at once), then a restart: the pass is
 * redone from the untouched original, the job completes exactly once with one package and one
 * catalog entry, and no partial backup or staged conversion is left behind.
 */
class CrashRecoveryTest {

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private Process start(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.vhdflow.cli.VhdflowCommand", "run",
                "--home", home.toString(),
                "--set", "vhdflow.http.enabled=false",
                "--set", "vhdflow.intake.poll-ms=200",
                "--set", "vhdflow.intake.settle-ms=500",
                "--set", "vhdflow.health.min-free-bytes=1048576",
                "--set", "vhdflow.routes=" + Path.of("routes").toAbsolutePath()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("service-" + System.nanoTime() + ".log").toFile()).start();
    }

    private String stageState(Stage stage) {
        Path db = home.resolve("vhdflow.db");
        if (!Files.exists(db)) {
            return "";
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT state, bytes_done FROM stages WHERE stage = ?")) {
            ps.setString(1, stage.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + ":" + rs.getLong(2) : "";
            }
        } catch (Exception e) {
            return "";
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("vhdflow.db"));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void killDuringTheReadPassThenRestartCompletesTheJobExactlyOnce() throws Exception {
        Files.createDirectories(home.resolve("drop"));
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample.vhd"));
        // Throttled so the read pass takes seconds and the kill lands in the middle of it.
        Process first = start("--set", "vhdflow.throttle.bytes-per-second=" + (8 << 20));
        try {
            PipelineTestSupport.drop(source, home.resolve("drop"), "crash.vhd");
            await("the read pass under way", java.time.Duration.ofSeconds(60),
                    () -> stageState(Stage.BACKUP).startsWith("RUNNING:") && !stageState(Stage.BACKUP).endsWith(":0"));
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(0, count("SELECT COUNT(*) FROM image_versions"));

        Process second = start("--until-idle");
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), "restarted service finished the job");
        assertEquals(0, second.exitValue(), () -> logs());

        assertEquals(1, count("SELECT COUNT(*) FROM jobs WHERE state = 'DONE'"));
        assertEquals(1, count("SELECT COUNT(*) FROM image_versions"));
        assertEquals(2, count("SELECT attempts FROM stages WHERE stage = 'BACKUP'"), "the read pass ran again");
        assertEquals(1, count("SELECT attempts FROM stages WHERE stage = 'PACKAGE'"));
        assertEquals(0, count("SELECT bytes_read FROM stages WHERE stage = 'PACKAGE'"),
                "packaging linked the staged conversion, reading nothing");
        try (var l = Files.list(home.resolve("packages/vhdflow/crash"))) {
            assertEquals(List.of("1.0.0"), l.map(p -> p.getFileName().toString()).toList(),
                    "one package, no partial left behind");
        }
        try (var w = Files.walk(home.resolve("backup"))) {
            List<String> files = w.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of("crash.vhd"), files, "one backup, no partial copy left behind");
        }
        try (var w = Files.list(home.resolve("work"))) {
            assertEquals(0, w.count(), "the work folder, staged conversion included, is gone");
        }
        // The package's disk is the original's, digest included.
        Path vhd = home.resolve("packages/vhdflow/crash/1.0.0/crash-1.0.0.vhd");
        var integrity = io.vhdflow.pipeline.Json.mapper().readTree(home.resolve("packages/vhdflow/crash/1.0.0/manifest.json")
                .toFile()).path("integrity").path("dataTree");
        byte[] fixed = Files.readAllBytes(vhd);
        assertEquals(io.vhdflow.testing.ReferenceDataTree.of(fixed, integrity.path("virtualSize").asInt()),
                integrity.path("digest").asText());
        byte[] original = Files.readAllBytes(source);
        assertEquals(-1, java.util.Arrays.mismatch(original, 0, original.length - 512, fixed, 0, original.length - 512));
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        try (var l = Files.list(scratch)) {
            for (Path p : l.filter(f -> f.toString().endsWith(".log")).toList()) {
                b.append(Files.readString(p));
            }
        } catch (Exception e) {
            b.append(e);
        }
        return b.toString();
    }
}
