package io.vhdflow.pipeline.camel;

import io.vhdflow.testing.ArtemisBroker;
import io.vhdflow.testing.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.vhdflow.pipeline.camel.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two workers (separate JVMs) share a drop folder, a data folder and a PostgreSQL database, and
 * in the deployment the README describes an Artemis broker carrying the work; one worker is killed
 * with SIGKILL while it holds a job. The other finishes every job: each registered once, no
 * duplicate, no job lost, no finished stage redone (bench/two-workers.sh does the same with 20
 * images and a restart). With the broker, the dead worker's uncommitted message is delivered to
 * the survivor; without one, the survivor takes over the dead node's jobs once it stops saying it
 * is alive.
 */
class TwoWorkersTest {

    @TempDir
    Path dir;

    private Process start(String node, String url, Path shared, Optional<String> broker) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.vhdflow.cli.VhdflowCommand", "run",
                "--home", dir.resolve("home-" + node).toString(),
                "--set", "vhdflow.http.enabled=false",
                "--set", "vhdflow.intake.poll-ms=200",
                "--set", "vhdflow.intake.settle-ms=500",
                "--set", "vhdflow.health.min-free-bytes=1048576",
                "--set", "vhdflow.pipeline.concurrency=1",
                "--set", "vhdflow.resume.period-ms=1000",
                // Throttled so a job takes seconds and the kill lands while one is held.
                "--set", "vhdflow.throttle.bytes-per-second=" + (24 << 20),
                "--set", "vhdflow.routes=" + Path.of("routes").toAbsolutePath()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-" + node + "-" + System.nanoTime() + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("VHDFLOW_DATABASE_URL", url);
        env.put("VHDFLOW_DATABASE_USER", "vhdflow");
        env.put("VHDFLOW_DATA", shared.toString());
        env.put("VHDFLOW_NODE_ID", node);
        broker.ifPresent(b -> env.put("VHDFLOW_BROKER_URL", b));
        return pb.start();
    }

    /** The sample with a marker written into free space near its end: the same image, other content. */
    static void variant(Path sample, Path out, int n) throws Exception {
        Files.copy(sample, out);
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.seek(f.length() - 512 - 8192);
            f.write(("vhdflow-variant-" + n).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String text(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "vhdflow", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "vhdflow", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void withTheBrokerAWorkerKilledWhileItHoldsAJobLosesNothingAndNothingIsDoneTwice() throws Exception {
        try (PostgresCluster pg = PostgresCluster.start(); ArtemisBroker broker = ArtemisBroker.start()) {
            killOneOfTwo(pg, Optional.of(broker.url()), 4);
        }
    }

    @Test
    void onTheDatabaseAloneTheSurvivorTakesOverADeadNodesJobs() throws Exception {
        try (PostgresCluster pg = PostgresCluster.start()) {
            killOneOfTwo(pg, Optional.empty(), 2);
        }
    }

    private void killOneOfTwo(PostgresCluster pg, Optional<String> brokerUrl, int images) throws Exception {
        String url = pg.newDatabase();
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared.resolve("drop"));
        Path sample = PipelineTestSupport.sampleVhd(dir.resolve("sample.vhd"));
        String killed = "";
        // a starts first and takes the leader role (drop-folder scan); killing it must hand the role to b.
        Process a = start("a", url, shared, brokerUrl);
        Process b = null;
        try {
            await("worker a leading", Duration.ofSeconds(90), () -> logs().contains("node a took the leader role"));
            b = start("b", url, shared, brokerUrl);
            await("both workers up", Duration.ofSeconds(90), () -> count(url, "SELECT COUNT(*) FROM nodes") == 2);
            for (int i = 0; i < images; i++) {
                Path v = dir.resolve("v" + i + ".vhd");
                variant(sample, v, i);
                PipelineTestSupport.drop(v, shared.resolve("drop"), "img" + i + ".vhd");
            }
            await("worker a holding a job mid-stage", Duration.ofSeconds(120), () -> count(url,
                    "SELECT COUNT(*) FROM stages s JOIN jobs j ON j.id = s.job_id WHERE j.node_id = 'a'"
                            + " AND s.state = 'RUNNING' AND s.bytes_done > 0") > 0);
            killed = text(url, "SELECT s.job_id FROM stages s JOIN jobs j ON j.id = s.job_id"
                    + " WHERE j.node_id = 'a' AND s.state = 'RUNNING'");
            a.destroyForcibly(); // SIGKILL: no shutdown hook, its database sessions and broker session die with it
            assertTrue(a.waitFor(30, TimeUnit.SECONDS));
            // A file dropped after the leader died is taken in by the new leader.
            Path late = dir.resolve("late.vhd");
            variant(sample, late, images);
            PipelineTestSupport.drop(late, shared.resolve("drop"), "late.vhd");
            await("b leading", Duration.ofSeconds(60), () -> logs().contains("node b took the leader role"));
            await("every job final", Duration.ofSeconds(240), () -> count(url,
                    "SELECT COUNT(*) FROM jobs WHERE state IN ('DONE', 'FAILED', 'DUPLICATE')") == images + 1);
        } finally {
            a.destroyForcibly();
            if (b != null) {
                b.destroy();
                b.waitFor(60, TimeUnit.SECONDS);
                b.destroyForcibly();
            }
        }
        String logs = logs();
        int all = images + 1;
        assertEquals(all, count(url, "SELECT COUNT(*) FROM jobs"), logs);
        assertEquals(all, count(url, "SELECT COUNT(*) FROM jobs WHERE state = 'DONE'"), logs);
        assertEquals(all, count(url, "SELECT COUNT(*) FROM image_versions"), logs);
        assertEquals(all, count(url, "SELECT COUNT(DISTINCT source_sha256) FROM image_versions"));
        assertEquals("b", text(url, "SELECT node_id FROM jobs WHERE id = '" + killed + "'"),
                "the survivor finished the killed worker's job: " + logs);
        // Only the stage the kill cut off ran twice; every stage that had finished was not redone.
        assertEquals(1, count(url, "SELECT SUM(attempts - 1) FROM stages"), logs);
        assertEquals(0, count(url, "SELECT COUNT(*) FROM stages WHERE state <> 'DONE'"), logs);
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        try (var l = Files.list(dir)) {
            for (Path p : l.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                b.append("== ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        } catch (Exception e) {
            b.append(e);
        }
        return b.toString();
    }
}
