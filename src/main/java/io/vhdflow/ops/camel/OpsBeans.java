package io.vhdflow.ops.camel;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vhdflow.ops.ApiToken;
import io.vhdflow.ops.ControlApi;
import io.vhdflow.ops.DashboardAssets;
import io.vhdflow.ops.Health;
import io.vhdflow.ops.JobQueue;
import io.vhdflow.ops.JobRetry;
import io.vhdflow.ops.PipelineMetrics;
import io.vhdflow.ops.StatusApi;
import io.vhdflow.pipeline.PipelineServices;
import io.vhdflow.pipeline.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.Registry;

import java.util.Optional;
import java.util.Properties;

/**
 * Opens the plain ops services ({@link StatusApi} for reads, {@link ControlApi} for token-checked
 * changes, {@link PipelineMetrics}) over the pipeline services and binds one {@link ApiProcessor}
 * per endpoint under the name routes/api.yaml gives it. Called by the composition root once the
 * pipeline services are open.
 */
public final class OpsBeans {
    /** Where retried jobs go: the pipeline route's queue. */
    public static final String PIPELINE_QUEUE = "seda:jobs";
    /** The name under which camel-micrometer-prometheus looks for (or creates) the registry. */
    static final String REGISTRY_NAME = "metricsRegistry";

    private OpsBeans() {
    }

    public static void bind(CamelContext context, PipelineServices s, Settings settings, Properties props)
            throws Exception {
        bind(context, s, settings, props, Optional.empty());
    }

    /** @param leader who holds the leader role now, when several nodes share the work */
    public static void bind(CamelContext context, PipelineServices s, Settings settings, Properties props,
                            Optional<java.util.function.Supplier<Optional<String>>> leader) throws Exception {
        Registry r = context.getRegistry();
        ObjectMapper json = s.json();
        RouteCounters counters = new RouteCounters();
        context.getManagementStrategy().addEventNotifier(counters);
        r.bind("routeCounters", counters);
        CamelRouteTable routes = new CamelRouteTable(context, counters);
        context.addStartupListener(new StartupSummary(routes, props));

        Health health = new Health(settings.home(), s.journal(), settings.minFreeBytes());
        StatusApi status = new StatusApi(s.journal(), s.catalog(), health, routes, json,
                java.util.Optional.of(s.diskJournal()),
                Optional.of(new StatusApi.Cluster(s.database(), s.nodes(), leader.orElse(Optional::empty))));
        bind(r, "listJobs", q -> status.jobs(new StatusApi.JobQuery(q.param("state"), q.param("batch"),
                q.param("image"), q.param("limit"), q.param("stages"))), json);
        bind(r, "showJob", q -> status.job(q.path("id")), json);
        bind(r, "listBatches", q -> status.batches(), json);
        bind(r, "listRoutes", q -> status.routes(), json);
        bind(r, "listCatalog", q -> status.catalog(q.param("gallery")), json);
        bind(r, "showCatalogImage", q -> status.catalogImage(q.path("gallery"), q.path("image")), json);
        bind(r, "liveness", q -> status.live(), json);
        bind(r, "readiness", q -> status.ready(), json);
        bind(r, "health", q -> status.health(), json);

        ApiToken token = ApiToken.of(props.getProperty("vhdflow.api.token"));
        if (!token.configured()) {
            System.getLogger(OpsBeans.class.getName()).log(System.Logger.Level.INFO, "no API token configured "
                    + "(vhdflow.api.token / VHDFLOW_API_TOKEN): route control and job retry through the API are off");
        }
        JobRetry retry = new JobRetry(settings.home(), s.journal(), s.intake(), json);
        ControlApi control = new ControlApi(token, retry, routes, pipelineQueue(context));
        bind(r, "retryJob", q -> control.retry(q.caller(), q.path("id")), json);
        bind(r, "controlRoute", q -> control.route(q.caller(), q.path("id"), q.path("action")), json);

        PipelineMetrics metrics = new PipelineMetrics(prometheusRegistry(r), s.journal(), settings.home(),
                settings.scaleOut().broker().isPresent() ? Optional.empty() : Optional.of(() -> queueDepth(context)));
        s.runner().addObserver(metrics);
        bind(r, "scrapeMetrics", q -> metrics.scrape(), json);

        DashboardAssets dashboard = new DashboardAssets(OpsBeans.class.getClassLoader());
        bind(r, "dashboardAsset", q -> dashboard.get(q.param("asset")), json);
    }

    private static void bind(Registry r, String name, ApiProcessor.Endpoint endpoint, ObjectMapper json) {
        r.bind(name, new ApiProcessor(name, endpoint, json));
    }

    private static JobQueue pipelineQueue(CamelContext context) {
        return jobId -> {
            ProducerTemplate template = context.createProducerTemplate();
            try {
                // The in-process queue, or the broker's queue when one is configured (CamelSettings).
                template.sendBody(context.resolvePropertyPlaceholders("{{vhdflow.queue.to}}"), jobId);
            } finally {
                template.stop();
            }
        };
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
