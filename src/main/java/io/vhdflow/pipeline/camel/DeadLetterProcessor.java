package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobError;
import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.Stage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.List;
import java.util.Optional;

/**
 * Fails the job of a message the broker dead-lettered: it was delivered up to the broker's limit
 * and no worker finished it. A job already final (finished by a last delivery, or by hand) is left
 * as it is.
 */
public final class DeadLetterProcessor implements Processor {
    private final JobFailure failure;
    private final JobJournal journal;

    public DeadLetterProcessor(JobFailure failure, JobJournal journal) {
        this.failure = failure;
        this.journal = journal;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String jobId = exchange.getMessage().getMandatoryBody(String.class);
        Optional<JobRecord> job = journal.job(jobId);
        if (job.isEmpty() || job.get().state().isFinal()) {
            return;
        }
        int deliveries = exchange.getMessage().getHeader("JMSXDeliveryCount", 0, Integer.class);
        String stage = job.get().currentStage().map(Stage::id).orElse("pipeline");
        failure.fail(jobId, JobError.of("job.redelivery-limit", stage,
                "the job was handed to workers " + (deliveries > 0 ? deliveries + " times" : "repeatedly")
                        + " and none finished it (each died or was stopped in the " + stage + " stage); the broker "
                        + "moved it to its dead-letter queue",
                "read the workers' logs for why they stopped on this job (memory, a hang, a kill), then retry it "
                        + "(vhdflow jobs retry " + jobId + "); the original is unchanged in failed/" + jobId + "/",
                List.of()));
    }

    @Override
    public String toString() {
        return "deadLetter";
    }
}
