package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled batch: on its cron schedule every eligible VHD in batch/ is taken in as one batch,
 * recorded with a summary.
 */
class BatchRouteTest extends CamelMainTestSupport {
    private Path home;
    private int port;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        try {
            home = Files.createTempDirectory("vhdflow-batch");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        port = PipelineTestSupport.freePort();
        return PipelineTestSupport.properties(home, port, Map.of(
                "vhdflow.batch.enabled", "true",
                "vhdflow.batch.cron", "0/2 * * * * ?"));
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(VhdflowConfiguration.class);
        configuration.withRoutesIncludePattern("file:routes/*.yaml");
    }

    @Test
    void everyEligibleVhdInBatchIsTakenInAsOneBatch() throws Exception {
        Path sample = PipelineTestSupport.sampleVhd(home.resolve("sample.vhd"));
        Path batch = home.resolve("batch");
        // Held while the files are dropped: a run firing between the two drops would make two batches.
        context.getRouteController().suspendRoute("batch");
        PipelineTestSupport.drop(sample, batch, "a.vhd");
        // A different image (content differs) so both register.
        byte[] other = Files.readAllBytes(sample);
        other[(1 << 20) + 4096] ^= 1; // inside the first data block of the dynamic VHD, not in its metadata
        Path b = Files.write(home.resolve("b.vhd"), other);
        PipelineTestSupport.drop(b, batch, "b.vhd");
        Files.writeString(batch.resolve("notes.txt"), "not a VHD");
        context.getRouteController().resumeRoute("batch");

        JobJournal journal = context.getRegistry().lookupByNameAndType("journal", JobJournal.class);
        PipelineTestSupport.await("two finished jobs", Duration.ofSeconds(60),
                () -> PipelineTestSupport.finishedJobs(journal).size() == 2);
        List<JobRecord> jobs = journal.jobs(JobJournal.JobFilter.all());
        assertEquals(1, jobs.stream().map(j -> j.batchId().orElseThrow()).distinct().count(), "one batch");
        List<JobJournal.BatchSummary> batches = journal.batches(10);
        assertEquals(1, batches.size());
        assertEquals(2, batches.get(0).jobCount());
        assertTrue(batches.get(0).finishedAt().isPresent());
        assertEquals(2, batches.get(0).jobs().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(Files.exists(batch.resolve("notes.txt")), "other files are left alone");

        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/batches")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(api.body().contains(batches.get(0).id()), api.body());
        assertEquals(JobState.DONE, jobs.get(0).state(), () -> jobs.get(0).errorJson().orElse(""));
    }
}
