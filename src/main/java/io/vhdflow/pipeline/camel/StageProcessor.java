package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.Stage;
import io.vhdflow.pipeline.StageRunner;
import io.vhdflow.pipeline.StageWork;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Runs one pipeline stage for the job whose id is the message body. */
public final class StageProcessor implements Processor {
    private final StageRunner runner;
    private final Stage stage;
    private final StageWork work;

    public StageProcessor(StageRunner runner, Stage stage, StageWork work) {
        this.runner = runner;
        this.stage = stage;
        this.work = work;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        runner.run(exchange.getMessage().getMandatoryBody(String.class), stage, work);
    }

    @Override
    public String toString() {
        return stage.id() + "Stage";
    }
}
