package io.vhdflow.pipeline.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Runs a bookkeeping step (duplicate check, completion) for the job whose id is the message body. */
public final class JobStepProcessor implements Processor {

    /** The step, in plain Java. */
    @FunctionalInterface
    public interface Step {
        void run(String jobId) throws Exception;
    }

    private final String name;
    private final Step step;

    public JobStepProcessor(String name, Step step) {
        this.name = name;
        this.step = step;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        step.run(exchange.getMessage().getMandatoryBody(String.class));
    }

    @Override
    public String toString() {
        return name;
    }
}
