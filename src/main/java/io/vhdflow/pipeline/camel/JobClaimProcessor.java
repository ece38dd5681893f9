package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobClaims;
import io.vhdflow.pipeline.JobJournal;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

import java.util.Optional;

/**
 * The pipeline's first step: claims the job in the message body for this worker, and lets it go
 * when the exchange completes (done or failed). A job another worker holds, or one already final,
 * goes no further here: the route stops for this message.
 */
public final class JobClaimProcessor implements Processor {
    private static final System.Logger LOG = System.getLogger(JobClaimProcessor.class.getName());

    private final JobClaims claims;
    private final JobJournal journal;

    public JobClaimProcessor(JobClaims claims, JobJournal journal) {
        this.claims = claims;
        this.journal = journal;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String jobId = exchange.getMessage().getMandatoryBody(String.class);
        Optional<JobClaims.Claim> claim = claims.claim(jobId);
        if (claim.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, "job {0}: another worker runs it; left to that worker", jobId);
            exchange.setRouteStop(true);
            return;
        }
        if (journal.job(jobId).map(j -> j.state().isFinal()).orElse(true)) {
            claim.get().close();
            exchange.setRouteStop(true);
            return;
        }
        JobClaims.Claim held = claim.get();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                held.close();
            }
        });
    }

    @Override
    public String toString() {
        return "claimJob";
    }
}
