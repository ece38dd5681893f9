package io.vhdflow.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Optional;

/**
 * Why a job failed, in the shape written to {@code failed/<job>/error.json} and shown by the API:
 * what failed, where (structure and byte offset when the disk is at fault), and what to do.
 *
 * @param code      stable machine-readable code, e.g. {@code vhd.invalid}, {@code metadata.invalid}, {@code disk.full}
 * @param stage     the stage that failed, or {@code intake}
 * @param message   what failed, in one sentence
 * @param structure the on-disk structure at fault, when there is one
 * @param offset    its byte offset, when there is one
 * @param remedy    what the operator should do about it
 * @param details   further lines (one per problem, check or cause)
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record JobError(
        String code,
        String stage,
        String message,
        Optional<String> structure,
        Optional<Long> offset,
        String remedy,
        List<String> details) {

    public JobError {
        details = List.copyOf(details);
    }

    public static JobError of(String code, String stage, String message, String remedy, List<String> details) {
        return new JobError(code, stage, message, Optional.empty(), Optional.empty(), remedy, details);
    }

    /** The readable form written to {@code error.txt}. */
    public String toText(String jobId, String sourceName) {
        StringBuilder b = new StringBuilder();
        b.append("Job ").append(jobId).append(" (").append(sourceName).append(") failed in stage ").append(stage)
                .append(".\n\n");
        b.append("What failed: ").append(message).append('\n');
        structure.ifPresent(s -> b.append("Where:       ").append(s)
                .append(offset.map(o -> " at byte " + o).orElse("")).append('\n'));
        b.append("Error code:  ").append(code).append('\n');
        if (!details.isEmpty()) {
            b.append("\nDetails:\n");
            details.forEach(d -> b.append("  - ").append(d).append('\n'));
        }
        b.append("\nWhat to do:  ").append(remedy).append('\n');
        return b.toString();
    }
}
