package io.vhdflow.pipeline.camel;

import com.github.luben.zstd.ZstdInputStream;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.SettingsLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** Shared pieces of the pipeline tests: a temporary home, the sample VHD, waiting. */
public final class PipelineTestSupport {
    private PipelineTestSupport() {
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Effective properties for a test home: fast polling, short settle time, given HTTP port. */
    public static Properties properties(Path home, int port, Map<String, String> extra) {
        Properties flags = new Properties();
        flags.setProperty("vhdflow.home", home.toString());
        flags.setProperty("vhdflow.http.port", String.valueOf(port));
        flags.setProperty("vhdflow.intake.poll-ms", "200");
        flags.setProperty("vhdflow.intake.settle-ms", "1000");
        flags.setProperty("vhdflow.retry.delay-ms", "100");
        flags.setProperty("vhdflow.health.min-free-bytes", "1048576");
        flags.setProperty("vhdflow.routes", Path.of("routes").toAbsolutePath().toString());
        flags.putAll(extra);
        try {
            return CamelSettings.derive(SettingsLoader.load(Optional.empty(), Map.of(), flags));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks the bundled sample VHD (made by samples/make-sample-vhd.sh) to {@code target}. */
    public static Path sampleVhd(Path target) throws IOException {
        try (InputStream in = new ZstdInputStream(PipelineTestSupport.class
                .getResourceAsStream("/samples/sample-linux.vhd.zst"))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Places a file in a drop folder the way a copy tool would finish: whole, by rename. */
    public static Path drop(Path source, Path dropDir, String name) throws IOException {
        Path tmp = dropDir.resolve("." + name + ".copying");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(60)));
        return Files.move(tmp, dropDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    public static List<JobRecord> finishedJobs(JobJournal journal) {
        return journal.jobs(JobJournal.JobFilter.all()).stream().filter(j -> j.state().isFinal()).toList();
    }

    public static JobRecord awaitOneFinished(JobJournal journal, int expectedTotal) throws InterruptedException {
        await(expectedTotal + " finished job(s)", Duration.ofSeconds(60),
                () -> finishedJobs(journal).size() >= expectedTotal);
        return finishedJobs(journal).get(0);
    }

    public static String sha256(Path f) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = new byte[1 << 16];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static boolean isFinal(JobJournal journal, String id, JobState state) {
        return journal.job(id).map(j -> j.state() == state).orElse(false);
    }
}
