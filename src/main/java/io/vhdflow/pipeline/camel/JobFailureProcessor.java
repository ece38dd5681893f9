package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobError;
import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRejectedException;
import io.vhdflow.pipeline.Stage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends the job in the message body as failed, from the exception Camel caught: a rejection as it
 * stands, an I/O error that outlived its retries as {@code io.failed}.
 */
public final class JobFailureProcessor implements Processor {
    private final JobFailure failure;
    private final JobJournal journal;

    public JobFailureProcessor(JobFailure failure, JobJournal journal) {
        this.failure = failure;
        this.journal = journal;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String jobId = exchange.getMessage().getMandatoryBody(String.class);
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        JobError error;
        if (t instanceof JobRejectedException r) {
            error = r.error();
        } else if (!(t instanceof java.io.IOException)) {
            String stage = journal.job(jobId).flatMap(j -> j.currentStage()).map(Stage::id).orElse("pipeline");
            error = JobError.of("internal.error", stage, "vhdflow failed unexpectedly in the " + stage + " stage: "
                            + (t == null ? "unknown error" : t.getClass().getName() + ": " + t.getMessage()),
                    "this is a defect in vhdflow, not in your image: report it with failed/" + jobId
                            + "/error.json; the original is unchanged in failed/" + jobId + "/", List.of());
        } else {
            String stage = journal.job(jobId).flatMap(j -> j.currentStage()).map(Stage::id).orElse("pipeline");
            List<String> causes = new ArrayList<>();
            for (Throwable c = t; c != null && causes.size() < 5; c = c.getCause()) {
                causes.add(c.getClass().getSimpleName() + ": " + c.getMessage());
            }
            int attempts = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1;
            error = JobError.of("io.failed", stage,
                    "the " + stage + " stage failed with an I/O error after " + attempts + " attempt(s): "
                            + (t == null ? "unknown error" : t.getMessage()),
                    "check the disks and free space of the vhdflow home, then drop the VHD again from "
                            + "failed/" + jobId + "/ (the original is unchanged there)", causes);
        }
        failure.fail(jobId, error);
    }
}
