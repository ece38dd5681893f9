package io.vhdflow.ops;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * The API's mutating calls: start / stop / suspend / resume a route, retry a failed job. Every
 * call first checks the bearer token ({@link ApiToken}). Plain Java: the Camel adapter passes the
 * path parameters and the caller in and writes the {@link ApiReply} out.
 */
public final class ControlApi {
    private static final System.Logger LOG = System.getLogger(ControlApi.class.getName());
    private static final String NO_TOKEN = "mutating calls are disabled because no API token is configured: set "
            + "vhdflow.api.token in <home>/application.properties or the VHDFLOW_API_TOKEN environment variable, "
            + "restart, and send the header 'Authorization: Bearer <token>'";
    private static final String JOB_ID = "[A-Za-z0-9][A-Za-z0-9_-]{0,127}";

    /** {@code 200} answer to a route change. */
    public record RouteChanged(String id, String action, String status) {
    }

    /** {@code 202} answer to a retry: the job is queued again and resumes at {@code resumesAt}. */
    public record RetryQueued(String id, String state, String resumesAt) {
    }

    private final ApiToken token;
    private final JobRetry retry;
    private final RouteTable routes;
    private final JobQueue pipeline;

    /** @param pipeline where a retried job goes */
    public ControlApi(ApiToken token, JobRetry retry, RouteTable routes, JobQueue pipeline) {
        this.token = token;
        this.retry = retry;
        this.routes = routes;
        this.pipeline = pipeline;
    }

    /** {@code POST /api/routes/{id}/{action}}, action one of start, stop, suspend, resume. */
    public ApiReply route(ApiCaller caller, String id, String action) throws Exception {
        Optional<ApiReply> refused = refusal(caller);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<RouteTable.Action> a = RouteTable.Action.named(action);
        if (a.isEmpty()) {
            return ApiReply.error(400, "unknown action '" + action + "'; use start, stop, suspend or resume");
        }
        if (!routes.exists(id)) {
            return ApiReply.error(404, "no route with id '" + id + "'; GET /api/routes lists them");
        }
        if (routes.servesApi(id)) {
            return ApiReply.error(409, "route '" + id + "' serves this API and cannot be controlled through it");
        }
        String status = routes.control(id, a.get());
        LOG.log(System.Logger.Level.INFO, "route {0}: {1} requested through the API, now {2}", id, a.get().label(),
                status);
        return ApiReply.ok(new RouteChanged(id, a.get().label(), status));
    }

    /** {@code POST /api/jobs/{id}/retry}: see {@link JobRetry} for the semantics. */
    public ApiReply retry(ApiCaller caller, String id) throws IOException {
        Optional<ApiReply> refused = refusal(caller);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!id.matches(JOB_ID)) {
            return ApiReply.error(400, "'" + id + "' is not a job id");
        }
        JobRetry.Outcome outcome = retry.retry(id);
        if (outcome instanceof JobRetry.Outcome.Queued q) {
            pipeline.submit(q.jobId());
            return ApiReply.of(202, new RetryQueued(q.jobId(), "queued", q.resumesAt()));
        }
        if (outcome instanceof JobRetry.Outcome.NotFound nf) {
            return ApiReply.error(404, "no job with id '" + nf.jobId() + "'");
        }
        if (outcome instanceof JobRetry.Outcome.Conflict c) {
            ApiError e = ApiError.of(c.message());
            return ApiReply.of(409, c.state().map(s -> e.withState(s.name().toLowerCase(Locale.ROOT))).orElse(e));
        }
        JobRetry.Outcome.StillInvalid si = (JobRetry.Outcome.StillInvalid) outcome;
        return ApiReply.of(422, ApiError.of(si.message()).withProblems(si.problems()));
    }

    /** The 400/401/403 answer unless the caller carries the configured token. */
    private Optional<ApiReply> refusal(ApiCaller caller) {
        if (caller.credentialsInQuery()) {
            // Camel turns query parameters into headers; a token in a URL ends up in logs and histories.
            return Optional.of(ApiReply.error(400, "send the token in the Authorization header, never in the URL"));
        }
        switch (token.check(caller.authorization().orElse(null))) {
            case ACCEPTED:
                return Optional.empty();
            case NOT_CONFIGURED:
                return Optional.of(ApiReply.error(403, NO_TOKEN));
            case MISSING:
                return Optional.of(ApiReply.error(401, "this call changes state and needs the header "
                                + "'Authorization: Bearer <token>' with the token configured as vhdflow.api.token")
                        .withHeader("WWW-Authenticate", "Bearer realm=\"vhdflow\""));
            default:
                LOG.log(System.Logger.Level.WARNING, "refused {0} {1}: wrong API token", caller.method(), caller.uri());
                return Optional.of(ApiReply.error(401, "the bearer token is not the configured vhdflow.api.token")
                        .withHeader("WWW-Authenticate", "Bearer realm=\"vhdflow\", error=\"invalid_token\""));
        }
    }
}
