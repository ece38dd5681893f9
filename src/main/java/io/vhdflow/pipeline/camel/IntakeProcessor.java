package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.IntakeService;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.GenericFile;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Takes the dropped file into a job and decides whether it goes on to the pipeline: when the job
 * is QUEUED, the body becomes the job id and the exchange property {@value #JOB_QUEUED} is true;
 * when the file was refused or its job already failed (bad sidecar), the property is false and the
 * body stays the file. The intake route's filter reads that one property.
 */
public final class IntakeProcessor implements Processor {
    /** The exchange property carrying the decision; routes/intake.yaml filters on it. */
    public static final String JOB_QUEUED = "jobQueued";

    private final IntakeService intake;

    public IntakeProcessor(IntakeService intake) {
        this.intake = intake;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        GenericFile<?> file = exchange.getMessage().getMandatoryBody(GenericFile.class);
        Optional<String> queued = intake.takeInForPipeline(Path.of(file.getAbsoluteFilePath()), Optional.empty());
        // A property, not a null body: the file message hands the GenericFile back for a null body.
        exchange.setProperty(JOB_QUEUED, queued.isPresent());
        queued.ifPresent(id -> exchange.getMessage().setBody(id));
    }
}
