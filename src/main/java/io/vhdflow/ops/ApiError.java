package io.vhdflow.ops;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The body of every refused or failed API call: what went wrong and when, with the job's state
 * (a retry that conflicts) or the problems still found (a sidecar still invalid) where they help.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ApiError(String error, Instant at, Optional<String> state, Optional<List<String>> problems) {

    public static ApiError of(String message) {
        return new ApiError(message, Instant.now(), Optional.empty(), Optional.empty());
    }

    public ApiError withState(String s) {
        return new ApiError(error, at, Optional.of(s), problems);
    }

    public ApiError withProblems(List<String> p) {
        return new ApiError(error, at, state, Optional.of(List.copyOf(p)));
    }
}
