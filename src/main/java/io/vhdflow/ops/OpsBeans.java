package io.vhdflow.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vhdflow.pipeline.PipelineServices;
import io.vhdflow.pipeline.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.Registry;

import java.util.Properties;

/**
 * Binds the operations beans that routes/api.yaml names: {@code statusApi} (reads),
 * {@code controlApi} (token-checked changes), {@code metrics} (Prometheus), and the route
 * counters. Called by the composition root once the pipeline services are open.
 */
public final class OpsBeans {
    /** Where retried jobs go: the pipeline route's queue. */
    public static final String PIPELINE_QUEUE = "seda:jobs";
    /** The name under which camel-micrometer-prometheus looks for (or creates) the registry. */
    static final String REGISTRY_NAME = "metricsRegistry";

    private OpsBeans() {
    }

    public static void bind(CamelContext context, PipelineServices s, Settings settings, Properties props) {
        Registry r = context.getRegistry();
        RouteCounters counters = new RouteCounters();
        context.getManagementStrategy().addEventNotifier(counters);
        r.bind("routeCounters", counters);
        Health health = new Health(settings.home(), s.journal(), settings.minFreeBytes());
        r.bind("statusApi", new StatusApi(s.journal(), s.catalog(), health, counters, s.json()));

        ApiToken token = ApiToken.of(props.getProperty("vhdflow.api.token"));
        if (!token.configured()) {
            System.getLogger(OpsBeans.class.getName()).log(System.Logger.Level.INFO, "no API token configured "
                    + "(vhdflow.api.token / VHDFLOW_API_TOKEN): route control and job retry through the API are off");
        }
        JobRetry retry = new JobRetry(settings.home(), s.journal(), s.intake(), s.json());
        r.bind("controlApi", new ControlApi(token, retry, s.json(), PIPELINE_QUEUE));

        PipelineMetrics metrics = new PipelineMetrics(prometheusRegistry(r), s.journal(), settings.home(),
                () -> queueDepth(context));
        s.runner().addObserver(metrics);
        r.bind("metrics", metrics);
    }

    /** The registry Camel's metrics use, so one scrape holds both; created and bound when absent. */
    private static PrometheusMeterRegistry prometheusRegistry(Registry r) {
        MeterRegistry existing = r.lookupByNameAndType(REGISTRY_NAME, MeterRegistry.class);
        if (existing instanceof PrometheusMeterRegistry p) {
            return p;
        }
        PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.bind(REGISTRY_NAME, p);
        return p;
    }

    private static long queueDepth(CamelContext context) {
        for (Endpoint e : context.getEndpoints()) {
            if (e instanceof SedaEndpoint seda && PIPELINE_QUEUE.equals("seda:" + seda.getName())) {
                return seda.getCurrentQueueSize();
            }
        }
        return 0;
    }
}
