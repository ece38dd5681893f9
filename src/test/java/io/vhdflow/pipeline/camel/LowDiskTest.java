package io.vhdflow.pipeline.camel;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
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
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Free space under the configured reserve: health is DOWN with the reason, and a job fails cleanly
 * as {@code disk.full} with its original kept, byte for byte.
 */
class LowDiskTest extends CamelMainTestSupport {
    private Path home;
    private int port;

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        try {
            home = Files.createTempDirectory("vhdflow-lowdisk");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        port = PipelineTestSupport.freePort();
        // A reserve far above any real disk stands in for a full disk.
        return PipelineTestSupport.properties(home, port, Map.of("vhdflow.health.min-free-bytes",
                String.valueOf(1L << 60), "vhdflow.backup.reserve-bytes", String.valueOf(1L << 60)));
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(VhdflowConfiguration.class);
        configuration.withRoutesIncludePattern("file:routes/*.yaml");
    }

    @Test
    void healthIsDownWithItsReasonAndJobsFailCleanlyKeepingTheOriginal() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, health.statusCode());
        JsonNode h = Json.mapper().readTree(health.body());
        assertEquals("DOWN", h.path("status").asText());
        assertTrue(h.path("reasons").get(0).asText().contains("vhdflow.health.min-free-bytes"), health.body());

        Path sample = PipelineTestSupport.sampleVhd(home.resolve("sample.vhd"));
        String sha = PipelineTestSupport.sha256(sample);
        PipelineTestSupport.drop(sample, home.resolve("drop"), "big.vhd");
        JobRecord job = PipelineTestSupport.awaitOneFinished(
                context.getRegistry().lookupByNameAndType("journal", JobJournal.class), 1);
        assertEquals(JobState.FAILED, job.state());
        JsonNode error = Json.mapper().readTree(job.errorJson().orElseThrow());
        assertEquals("disk.full", error.path("code").asText());
        assertEquals(sha, PipelineTestSupport.sha256(home.resolve("failed").resolve(job.id()).resolve("big.vhd")));
        try (var l = Files.list(home.resolve("backup"))) {
            assertTrue(l.flatMap(p -> {
                try {
                    return Files.walk(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).noneMatch(Files::isRegularFile), "no partial backup left behind");
        }
    }
}
