package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.testing.TestHome;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job whose message the broker dead-lettered fails with the reason; a final job is left alone. */
class DeadLetterProcessorTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    private Exchange message(String jobId, int deliveries) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setBody(jobId);
        e.getMessage().setHeader("JMSXDeliveryCount", deliveries);
        return e;
    }

    @Test
    void aDeadLetteredJobFailsWithTheRedeliveryReason() throws Exception {
        String id = home.takeIn("web.vhd", new byte[1024], Optional.empty());
        DeadLetterProcessor p = new DeadLetterProcessor(new JobFailure(home.settings().home(), home.journal(),
                Json.mapper()), home.journal());
        p.process(message(id, 5));
        var job = home.journal().job(id).orElseThrow();
        assertEquals(JobState.FAILED, job.state());
        String error = job.errorJson().orElseThrow();
        assertTrue(error.contains("job.redelivery-limit") && error.contains("5 times"), error);
        assertTrue(Files.isDirectory(home.settings().home().jobFailed(id)), "the original kept in failed/<job>/");
    }

    @Test
    void aJobAlreadyFinalIsLeftAsItIs() throws Exception {
        String id = home.takeIn("web.vhd", new byte[1024], Optional.empty());
        home.journal().finishJob(id, JobState.DONE, Optional.empty());
        new DeadLetterProcessor(new JobFailure(home.settings().home(), home.journal(), Json.mapper()),
                home.journal()).process(message(id, 5));
        assertEquals(JobState.DONE, home.journal().job(id).orElseThrow().state());
    }
}
