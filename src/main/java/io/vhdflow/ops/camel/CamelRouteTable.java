package io.vhdflow.ops.camel;

import io.vhdflow.ops.RouteTable;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;

import java.util.ArrayList;
import java.util.List;

/** The routes of the running Camel context, with the exchange counts {@link RouteCounters} keeps. */
public final class CamelRouteTable implements RouteTable {
    private final CamelContext context;
    private final RouteCounters counters;

    public CamelRouteTable(CamelContext context, RouteCounters counters) {
        this.context = context;
        this.counters = counters;
    }

    @Override
    public List<RouteView> routes() {
        List<RouteView> out = new ArrayList<>();
        for (Route r : context.getRoutes()) {
            RouteCounters.Counter c = counters.of(r.getRouteId());
            String status = status(r.getRouteId());
            if (status.equals("Stopped") && Boolean.FALSE.equals(r.isAutoStartup())) {
                // Off by configuration (autoStartup false, e.g. the batch), not stopped by a failure or an operator.
                status = "Disabled";
            }
            out.add(new RouteView(r.getRouteId(), r.getEndpoint().getEndpointBaseUri(), status,
                    r.getUptimeMillis() / 1000, c.total(), c.failed(),
                    context.getInflightRepository().size(r.getRouteId()), c.lastError(), c.lastErrorAt(),
                    servesApi(r.getRouteId())));
        }
        return out;
    }

    @Override
    public boolean exists(String id) {
        return context.getRoute(id) != null;
    }

    @Override
    public boolean servesApi(String id) {
        Route route = context.getRoute(id);
        return route != null && (route.isCreatedByRestDsl() || id.startsWith("api-"));
    }

    @Override
    public String control(String id, Action action) throws Exception {
        RouteController rc = context.getRouteController();
        switch (action) {
            case START -> rc.startRoute(id);
            case STOP -> rc.stopRoute(id);
            case SUSPEND -> rc.suspendRoute(id);
            case RESUME -> rc.resumeRoute(id);
        }
        return status(id);
    }

    private String status(String id) {
        ServiceStatus s = context.getRouteController().getRouteStatus(id);
        return s == null ? "Unknown" : s.name();
    }
}
