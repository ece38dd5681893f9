package io.vhdflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.camel.PipelineTestSupport;
import io.vhdflow.pipeline.camel.ServiceTestBase;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole service on a temporary home with the HTTP server on a free port, and HTTP helpers. */
abstract class OpsTestBase extends ServiceTestBase {
    /** Taken before the service starts: no route has been up longer than since then. */
    protected Instant beforeStart;
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        beforeStart = Instant.now();
        return super.useOverridePropertiesWithPropertiesComponent();
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    protected HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends, checks the status and that the body is JSON (with an {@code error} text for 4xx), returns it. */
    protected JsonNode call(String method, String path, String authorization, int expected) throws Exception {
        HttpResponse<String> r = send(method, path, authorization);
        assertEquals(expected, r.statusCode(), method + " " + path + " -> " + r.body());
        JsonNode body = Json.mapper().readTree(r.body());
        if (expected >= 400 && expected < 500) {
            assertEquals(true, body.path("error").isTextual() && !body.path("error").asText().isBlank(),
                    "a 4xx answer explains itself: " + r.body());
        }
        return body;
    }

    protected JsonNode get(String path, int expected) throws Exception {
        return call("GET", path, null, expected);
    }

    /** Drops the sample VHD (optionally corrupted, optionally with a sidecar) under {@code name}. */
    protected void dropSample(String name, boolean corrupt, String sidecarJson) throws Exception {
        Path source = PipelineTestSupport.sampleVhd(scratch.resolve("sample-" + name));
        if (corrupt) {
            byte[] bytes = Files.readAllBytes(source);
            bytes[bytes.length - 512 + 64] ^= 0x5A; // footer checksum
            bytes[64] ^= 0x5A;                       // and its copy at offset 0
            Files.write(source, bytes);
        }
        if (sidecarJson != null) {
            Files.writeString(home.resolve("drop").resolve(name + ".json"), sidecarJson);
        }
        PipelineTestSupport.drop(source, home.resolve("drop"), name);
    }

    protected JobRecord awaitJob(String sourceName, JobState state) throws InterruptedException {
        PipelineTestSupport.await(sourceName + " " + state, Duration.ofSeconds(60), () -> journal()
                .jobs(JobJournal.JobFilter.all()).stream()
                .anyMatch(j -> j.sourceName().equals(sourceName) && j.state() == state));
        return journal().jobs(JobJournal.JobFilter.all()).stream()
                .filter(j -> j.sourceName().equals(sourceName) && j.state() == state).findFirst().orElseThrow();
    }
}
