package io.vhdflow.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One stage of one job as the journal holds it.
 *
 * @param bytesTotal   bytes the stage expects to process (for progress), 0 when unknown
 * @param bytesDone    bytes processed so far
 * @param bytesRead    bytes read from disk by the finished stage
 * @param bytesWritten bytes written to disk by the finished stage (holes excluded)
 * @param resultJson   the stage's result (e.g. the verification report), JSON
 */
public record StageRecord(
        Stage stage,
        StageState state,
        int attempts,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        long bytesTotal,
        long bytesDone,
        long bytesRead,
        long bytesWritten,
        Optional<String> resultJson,
        Optional<String> error) {

    /** Wall time of the stage, up to now when still running. */
    public Optional<Duration> duration() {
        return startedAt.map(s -> Duration.between(s, finishedAt.orElse(Instant.now())));
    }

    /** Bytes processed per second over the stage's wall time. */
    public Optional<Double> bytesPerSecond() {
        return duration().filter(d -> !d.isZero()).map(d -> bytesDone * 1e9 / d.toNanos());
    }
}
