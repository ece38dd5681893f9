package io.vhdflow.pipeline;

import java.util.Optional;

/**
 * What a stage service reports when it completes.
 *
 * @param bytesRead    bytes it read
 * @param bytesWritten bytes it wrote (holes excluded)
 * @param resultJson   its result for the journal and the API
 */
public record StageOutcome(long bytesRead, long bytesWritten, Optional<String> resultJson) {

    public static StageOutcome of(long bytesRead, long bytesWritten, String resultJson) {
        return new StageOutcome(bytesRead, bytesWritten, Optional.ofNullable(resultJson));
    }
}
