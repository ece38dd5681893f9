package io.vhdflow.pipeline.camel;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.catalog.Catalog;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.testing.ExternalTools;
import io.vhdflow.testing.Fixtures;
import io.vhdflow.testing.QemuImg;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.vhdflow.pipeline.camel.PipelineTestSupport.drop;
import static io.vhdflow.pipeline.camel.PipelineTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The formats Azure refuses, through the whole service: a VHDX, a compressed qcow2, a
 * streamOptimized VMDK and an OVA, each holding the generalized Debian sample, dropped in the
 * drop folder, each become a registered fixed VHD whose payload equals qemu-img's raw reading of
 * the dropped file; the backup is the file as it came.
 */
class PipelineFormatsTest extends ServiceTestBase {
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("vhdflow.http.enabled", "false");
    }

    @Test
    void vhdxQcow2VmdkAndOvaBecomeRegisteredFixedVhdsWithQemusPayload() throws Exception {
        ExternalTools.require("qemu-img", "qemu-utils");
        JobJournal journal = context.getRegistry().lookupByNameAndType("journal", JobJournal.class);
        Catalog catalog = context.getRegistry().lookupByNameAndType("catalog", Catalog.class);
        Map<String, String> dropped = new LinkedHashMap<>();
        dropped.put("hyperv-web.vhdx", "linux.vhdx");
        dropped.put("kvm-web.qcow2", "linux.qcow2");
        dropped.put("vmware-web.vmdk", "linux.vmdk");
        dropped.put("appliance.ova", "linux.ova");
        Map<String, byte[]> expected = new LinkedHashMap<>();
        Map<String, String> originalSha = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : dropped.entrySet()) {
            Path src = Files.move(Fixtures.extract("containers/" + d.getValue() + ".zst", scratch),
                    scratch.resolve(d.getKey()));
            // qemu-img reads the OVA's disk once tar has unpacked it; the others as they are.
            Path forQemu = d.getKey().endsWith(".ova") ? untar(src, "linux-disk1.vmdk") : src;
            expected.put(d.getKey(), Files.readAllBytes(QemuImg.raw(forQemu, scratch.resolve(d.getKey() + ".raw"))));
            originalSha.put(d.getKey(), sha256(src));
            drop(src, home.resolve("drop"), d.getKey());
        }

        PipelineTestSupport.await("4 finished jobs", Duration.ofSeconds(180),
                () -> PipelineTestSupport.finishedJobs(journal).size() >= 4);
        List<JobRecord> jobs = PipelineTestSupport.finishedJobs(journal);
        assertEquals(4, jobs.size());
        for (JobRecord job : jobs) {
            assertEquals(JobState.DONE, job.state(), () -> job.sourceName() + ": " + job.errorJson().orElse(""));
            String image = job.imageName();
            Path pkg = home.resolve("packages").resolve("vhdflow").resolve(image).resolve("1.0.0");
            Path vhd = pkg.resolve(image + "-1.0.0.vhd");
            byte[] want = expected.get(job.sourceName());
            long virtual = Files.size(vhd) - 512;
            assertEquals((want.length + (1 << 20) - 1) / (1 << 20) * (long) (1 << 20), virtual,
                    job.sourceName() + ": virtual size rounded up to a whole MiB");
            byte[] payload;
            try (InputStream in = Files.newInputStream(vhd)) {
                payload = in.readNBytes(want.length);
            }
            assertArrayEquals(want, payload, job.sourceName() + ": the package's payload is qemu-img's reading");
            JsonNode manifest = Json.mapper().readTree(pkg.resolve("manifest.json").toFile());
            assertEquals("ready", manifest.path("verdict").asText(), job.sourceName());
            String format = manifest.at("/source/format").asText();
            assertTrue(job.sourceName().endsWith("." + format), job.sourceName() + " read as " + format);
            Path backup = home.resolve("backup").resolve(image).resolve(job.id()).resolve(job.sourceName());
            assertEquals(originalSha.get(job.sourceName()), sha256(backup), "the backup is the file as it came");
        }
        assertEquals(4, catalog.allVersions().size());
    }

    private Path untar(Path ova, String member) throws IOException, InterruptedException {
        ExternalTools.require("tar", "tar");
        Path out = Files.createDirectories(scratch.resolve("untarred"));
        Process p = new ProcessBuilder("tar", "-xf", ova.toString(), "-C", out.toString(), member)
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, text);
        return out.resolve(member);
    }
}
