package io.vhdflow.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * The API's mutating calls: start / stop / suspend / resume a route, retry a failed job. Every
 * call first checks the bearer token ({@link ApiToken}); the REST routes only point here.
 */
public final class ControlApi {
    private static final System.Logger LOG = System.getLogger(ControlApi.class.getName());
    private static final Set<String> ACTIONS = Set.of("start", "stop", "suspend", "resume");
    private static final String NO_TOKEN = "mutating calls are disabled because no API token is configured: set "
            + "vhdflow.api.token in <home>/application.properties or the VHDFLOW_API_TOKEN environment variable, "
            + "restart, and send the header 'Authorization: Bearer <token>'";

    private final ApiToken token;
    private final JobRetry retry;
    private final ObjectMapper json;
    private final String pipelineQueue;

    /**
     * @param pipelineQueue where a retried job id is sent, e.g. {@code seda:jobs}
     */
    public ControlApi(ApiToken token, JobRetry retry, ObjectMapper json, String pipelineQueue) {
        this.token = token;
        this.retry = retry;
        this.json = json;
        this.pipelineQueue = pipelineQueue;
    }

    /** {@code POST /api/routes/{id}/{action}}, action one of start, stop, suspend, resume. */
    public void route(Exchange ex) throws Exception {
        if (!authorised(ex)) {
            return;
        }
        String id = ex.getMessage().getHeader("id", String.class);
        String action = String.valueOf(ex.getMessage().getHeader("action", String.class)).toLowerCase(Locale.ROOT);
        if (!ACTIONS.contains(action)) {
            respond(ex, 400, error("unknown action '" + ex.getMessage().getHeader("action", String.class)
                    + "'; use start, stop, suspend or resume"));
            return;
        }
        CamelContext ctx = ex.getContext();
        Route route = id == null ? null : ctx.getRoute(id);
        if (route == null) {
            respond(ex, 404, error("no route with id '" + id + "'; GET /api/routes lists them"));
            return;
        }
        if (route.isCreatedByRestDsl() || id.startsWith("api-")) {
            respond(ex, 409, error("route '" + id + "' serves this API and cannot be controlled through it"));
            return;
        }
        RouteController rc = ctx.getRouteController();
        switch (action) {
            case "start" -> rc.startRoute(id);
            case "stop" -> rc.stopRoute(id);
            case "suspend" -> rc.suspendRoute(id);
            default -> rc.resumeRoute(id);
        }
        ServiceStatus status = rc.getRouteStatus(id);
        LOG.log(System.Logger.Level.INFO, "route {0}: {1} requested through the API, now {2}", id, action, status);
        ObjectNode n = json.createObjectNode();
        n.put("id", id);
        n.put("action", action);
        n.put("status", status == null ? "Unknown" : status.name());
        respond(ex, 200, n);
    }

    /** {@code POST /api/jobs/{id}/retry}: see {@link JobRetry} for the semantics. */
    public void retry(Exchange ex) throws Exception {
        if (!authorised(ex)) {
            return;
        }
        String id = ex.getMessage().getHeader("id", String.class);
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,127}")) {
            respond(ex, 400, error("'" + id + "' is not a job id"));
            return;
        }
        JobRetry.Outcome outcome = retry.retry(id);
        if (outcome instanceof JobRetry.Outcome.Queued q) {
            ProducerTemplate template = ex.getContext().createProducerTemplate();
            try {
                template.sendBody(pipelineQueue, q.jobId());
            } finally {
                template.stop();
            }
            ObjectNode n = json.createObjectNode();
            n.put("id", q.jobId());
            n.put("state", "queued");
            n.put("resumesAt", q.resumesAt());
            respond(ex, 202, n);
        } else if (outcome instanceof JobRetry.Outcome.NotFound nf) {
            respond(ex, 404, error("no job with id '" + nf.jobId() + "'"));
        } else if (outcome instanceof JobRetry.Outcome.Conflict c) {
            ObjectNode n = error(c.message());
            c.state().ifPresent(s -> n.put("state", s.name().toLowerCase(Locale.ROOT)));
            respond(ex, 409, n);
        } else if (outcome instanceof JobRetry.Outcome.StillInvalid si) {
            ObjectNode n = error(si.message());
            n.set("problems", json.valueToTree(si.problems()));
            respond(ex, 422, n);
        }
    }

    /** Answers 400/401/403 and returns false unless the request carries the configured token. */
    private boolean authorised(Exchange ex) throws Exception {
        String query = ex.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        if (query != null && query.toLowerCase(Locale.ROOT).contains("authorization")) {
            // Camel turns query parameters into headers; a token in a URL ends up in logs and histories.
            respond(ex, 400, error("send the token in the Authorization header, never in the URL"));
            return false;
        }
        ApiToken.Check check = token.check(ex.getMessage().getHeader("Authorization", String.class));
        switch (check) {
            case ACCEPTED:
                return true;
            case NOT_CONFIGURED:
                respond(ex, 403, error(NO_TOKEN));
                return false;
            case MISSING:
                ex.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"vhdflow\"");
                respond(ex, 401, error("this call changes state and needs the header 'Authorization: Bearer <token>' "
                        + "with the token configured as vhdflow.api.token"));
                return false;
            default:
                ex.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"vhdflow\", error=\"invalid_token\"");
                LOG.log(System.Logger.Level.WARNING, "refused {0} {1}: wrong API token",
                        ex.getMessage().getHeader(Exchange.HTTP_METHOD), ex.getMessage().getHeader(Exchange.HTTP_URI));
                respond(ex, 401, error("the bearer token is not the configured vhdflow.api.token"));
                return false;
        }
    }

    private ObjectNode error(String message) {
        ObjectNode n = json.createObjectNode();
        n.put("error", message);
        n.put("at", Instant.now().toString());
        return n;
    }

    private void respond(Exchange ex, int status, Object body) throws Exception {
        ex.getMessage().removeHeader("Authorization");
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        ex.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        ex.getMessage().setBody(json.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }
}
