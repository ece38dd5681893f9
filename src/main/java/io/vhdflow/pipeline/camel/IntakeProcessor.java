package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.IntakeService;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobState;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFile;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Takes the dropped file into a job. The body becomes the job id when the job is ready for the
 * pipeline, or null when the file was refused or its job already failed (bad sidecar).
 */
public final class IntakeProcessor implements Processor {
    private final IntakeService intake;
    private final JobJournal journal;

    public IntakeProcessor(IntakeService intake, JobJournal journal) {
        this.intake = intake;
        this.journal = journal;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        GenericFile<?> file = exchange.getMessage().getMandatoryBody(GenericFile.class);
        Optional<String> job = intake.takeIn(Path.of(file.getAbsoluteFilePath()), Optional.empty());
        Optional<String> queued = job.filter(id -> journal.job(id)
                .map(j -> j.state() == JobState.QUEUED).orElse(false));
        if (queued.isEmpty()) {
            // Refused, or failed at intake. A null body is not enough: the file message hands the
            // GenericFile back for a null body, and the route's filter would send it to the pipeline.
            exchange.setRouteStop(true);
            return;
        }
        exchange.getMessage().setBody(queued.get());
    }
}
