package io.vhdflow.ops;

import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.testing.TestHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.vhdflow.ops.StatusApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mutating API calls as plain Java: the token check, route control and job retry, no Camel and no HTTP. */
class ControlApiTest {
    private static final String TOKEN = "t0ken-for-tests";
    private static final ApiCaller AUTHORISED = caller(Optional.of("Bearer " + TOKEN), Optional.empty());

    @RegisterExtension
    final TestHome home = new TestHome();
    final RecordedRoutes routes = new RecordedRoutes();
    final List<String> queued = new ArrayList<>();

    private static ApiCaller caller(Optional<String> authorization, Optional<String> query) {
        return new ApiCaller("POST", "/api/test", authorization, query);
    }

    private ControlApi api(String token) {
        return new ControlApi(ApiToken.of(token), new JobRetry(home.settings().home(), home.journal(), home.intake(),
                Json.mapper()), routes, queued::add);
    }

    @Test
    void everyChangeNeedsTheConfiguredTokenInTheHeader() throws Exception {
        ControlApi api = api(TOKEN);
        ApiReply missing = api.route(caller(Optional.empty(), Optional.empty()), "intake", "stop");
        assertError(missing, 401, "needs the header 'Authorization: Bearer <token>'");
        assertEquals(Map.of("WWW-Authenticate", "Bearer realm=\"vhdflow\""), missing.headers());
        ApiReply wrong = api.route(caller(Optional.of("Bearer nope"), Optional.empty()), "intake", "stop");
        assertError(wrong, 401, "not the configured vhdflow.api.token");
        assertEquals("Bearer realm=\"vhdflow\", error=\"invalid_token\"", wrong.headers().get("WWW-Authenticate"));
        assertError(api.route(caller(Optional.of("Basic " + TOKEN), Optional.empty()), "intake", "stop"), 401,
                "needs the header");
        assertError(api.route(caller(Optional.empty(), Optional.of("Authorization=Bearer%20" + TOKEN)), "intake",
                "stop"), 400, "never in the URL");
        // Percent-encoded names (Camel decodes them into headers), in one or two layers, and malformed encodings.
        for (String q : List.of("%41uthorization=Bearer%20" + TOKEN, "a=1&%61UTHORIZATION=Bearer%20" + TOKEN,
                "%2541uthorization=Bearer%20" + TOKEN, "x=%zz", "Auth%6Frization=x")) {
            assertError(api.route(caller(Optional.of("Bearer " + TOKEN), Optional.of(q)), "intake", "stop"), 400,
                    "never in the URL");
        }
        assertEquals(200, api.route(caller(Optional.of("Bearer " + TOKEN), Optional.of("state=a%20b")), "intake",
                "resume").status(), "an ordinary query still passes");
        assertError(api.retry(caller(Optional.of("Bearer nope"), Optional.empty()), "any-job"), 401, "not the configured");

        ControlApi off = api("");
        for (Optional<String> auth : List.of(Optional.<String>empty(), Optional.of("Bearer " + TOKEN))) {
            assertError(off.route(caller(auth, Optional.empty()), "intake", "stop"), 403, "VHDFLOW_API_TOKEN");
            assertError(off.retry(caller(auth, Optional.empty()), "any-job"), 403, "vhdflow.api.token");
        }
        assertEquals(List.of("intake resume"), routes.actions, "refused calls change nothing");
        assertEquals(List.of(), queued);
    }

    @Test
    void routesAreStartedStoppedSuspendedAndResumedExceptTheApisOwn() throws Exception {
        ControlApi api = api(TOKEN);
        ApiReply stopped = api.route(AUTHORISED, "intake", "STOP");
        assertEquals(200, stopped.status());
        assertEquals(new ControlApi.RouteChanged("intake", "stop", "Stopped"), stopped.body());
        assertEquals(new ControlApi.RouteChanged("intake", "suspend", "Suspended"),
                api.route(AUTHORISED, "intake", "suspend").body());
        assertEquals(new ControlApi.RouteChanged("intake", "resume", "Started"),
                api.route(AUTHORISED, "intake", "resume").body());
        assertError(api.route(AUTHORISED, "intake", "explode"), 400, "unknown action 'explode'");
        assertError(api.route(AUTHORISED, "no-such-route", "stop"), 404, "no route with id 'no-such-route'");
        assertError(api.route(AUTHORISED, "api-jobs", "stop"), 409, "serves this API");
        assertEquals(List.of("intake stop", "intake suspend", "intake resume"), routes.actions);
    }

    @Test
    void aJobFailedAtIntakeIsRetriedOnceItsSidecarIsCorrected() throws Exception {
        ControlApi api = api(TOKEN);
        String id = home.takeIn("app.vhd", new byte[] {7}, Optional.of("{\"gallery\": \"not a gallery!\"}"));
        Path failed = home.settings().home().jobFailed(id);

        ApiReply invalid = api.retry(AUTHORISED, id);
        assertError(invalid, 422, "is still invalid");
        assertTrue(((ApiError) invalid.body()).problems().orElseThrow().toString().contains("not a gallery!"));
        assertTrue(Files.isRegularFile(failed.resolve("app.vhd")), "an invalid retry moves nothing");

        Files.writeString(failed.resolve("app.vhd.json"), "{\"gallery\": \"ops.gallery\"}");
        ApiReply retried = api.retry(AUTHORISED, id);
        assertEquals(202, retried.status());
        assertEquals(new ControlApi.RetryQueued(id, "queued", "backup"), retried.body());
        assertEquals(List.of(id), queued, "the job went to the pipeline");
        assertEquals(JobState.QUEUED, home.journal().job(id).orElseThrow().state());
        assertEquals("ops.gallery", home.journal().job(id).orElseThrow().metadata().gallery());
        assertTrue(Files.isRegularFile(home.settings().home().jobWork(id).resolve("app.vhd")));

        ApiReply again = api.retry(AUTHORISED, id);
        assertError(again, 409, "not failed");
        assertEquals(Optional.of("queued"), ((ApiError) again.body()).state());
        assertEquals(List.of(id), queued, "queued exactly once");
        assertError(api.retry(AUTHORISED, "no-such-job"), 404, "no job with id 'no-such-job'");
        assertError(api.retry(AUTHORISED, "bad!id"), 400, "'bad!id' is not a job id");
    }
}
