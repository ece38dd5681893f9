package io.vhdflow.pipeline;

import io.vhdflow.catalog.ImageMetadata;

import java.time.Instant;
import java.util.Optional;

/**
 * A job as the journal holds it.
 *
 * @param id           stable job id, also the name of its folder in {@code work/}, {@code failed/}, {@code backup/}
 * @param batchId      the batch it came in with, when it came from a scheduled batch
 * @param sourceName   the dropped file's name
 * @param sourceSize   the dropped file's size in bytes
 * @param metadata     image metadata (sidecar merged with defaults)
 * @param state        where the job stands
 * @param currentStage the stage running or last run
 * @param sourceSha256 SHA-256 of the dropped file, once backed up
 * @param imageVersion the version assigned to the image
 * @param verdict      the verification verdict
 * @param errorJson    the error, as written to {@code error.json}, when failed
 * @param nodeId       the node that runs (or last ran) the job, once a worker claimed it
 */
public record JobRecord(
        String id,
        Optional<String> batchId,
        String sourceName,
        long sourceSize,
        ImageMetadata metadata,
        JobState state,
        Optional<Stage> currentStage,
        Optional<String> sourceSha256,
        Optional<String> imageVersion,
        Optional<String> verdict,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> finishedAt,
        Optional<String> errorJson,
        Optional<String> nodeId) {

    /** A job no worker has claimed yet. */
    public JobRecord(String id, Optional<String> batchId, String sourceName, long sourceSize, ImageMetadata metadata,
                     JobState state, Optional<Stage> currentStage, Optional<String> sourceSha256,
                     Optional<String> imageVersion, Optional<String> verdict, Instant createdAt, Instant updatedAt,
                     Optional<Instant> finishedAt, Optional<String> errorJson) {
        this(id, batchId, sourceName, sourceSize, metadata, state, currentStage, sourceSha256, imageVersion, verdict,
                createdAt, updatedAt, finishedAt, errorJson, Optional.empty());
    }

    public String imageName() {
        return metadata.imageDefinition();
    }
}
