package io.vhdflow.ops.camel;

import io.vhdflow.ops.RouteTable;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What the service runs, said once it has started and only what is true: the address the HTTP
 * server is bound to (not Camel's 0.0.0.0 summary), the pipeline's routes and their state, the
 * API's routes as one group, and the batch as scheduled (with its next run) or disabled, never
 * "scheduled" while disabled.
 */
final class StartupSummary implements StartupListener {
    private static final System.Logger LOG = System.getLogger(StartupSummary.class.getName());

    private final RouteTable routes;
    private final Properties props;

    StartupSummary(RouteTable routes, Properties props) {
        this.routes = routes;
        this.props = props;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // The routes are not all started yet; see onCamelContextFullyStarted.
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (String line : lines()) {
            LOG.log(System.Logger.Level.INFO, line);
        }
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        List<String> pipeline = new ArrayList<>();
        int api = 0;
        int apiStarted = 0;
        for (RouteTable.RouteView r : routes.routes()) {
            if (routes.servesApi(r.id())) {
                api++;
                apiStarted += r.status().equals("Started") ? 1 : 0;
            } else if (!r.id().equals("batch")) {
                pipeline.add(r.id() + " " + r.status().toLowerCase(Locale.ROOT));
            }
        }
        out.add("routes: " + String.join(", ", pipeline));
        if (Boolean.parseBoolean(props.getProperty("vhdflow.http.enabled", "true").strip())) {
            String host = props.getProperty("vhdflow.http.host", "127.0.0.1").strip();
            String port = props.getProperty("vhdflow.http.port", "8080").strip();
            out.add("HTTP: dashboard and API (" + apiStarted + " of " + api + " API routes started) listening on "
                    + (host.equals("0.0.0.0") || host.equals("::") ? "all interfaces (" + host + ") port " + port
                    : "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"));
        } else {
            out.add("HTTP: off (vhdflow.http.enabled=false); no dashboard or API");
        }
        out.add(batch());
        return out;
    }

    private String batch() {
        if (!Boolean.parseBoolean(props.getProperty("vhdflow.batch.enabled", "false").strip())) {
            return "batch: disabled (vhdflow.batch.enabled=false); files in batch/ wait until it is enabled";
        }
        String cron = props.getProperty("vhdflow.batch.cron", "").strip();
        try {
            Date next = new org.quartz.CronExpression(cron).getNextValidTimeAfter(new Date());
            return "batch: scheduled by cron '" + cron + "', next run " + (next == null ? "never" : next.toInstant());
        } catch (ParseException e) {
            return "batch: cron '" + cron + "' cannot be read: " + e.getMessage();
        }
    }
}
