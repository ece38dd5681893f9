package io.vhdflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a configured token every mutating call is refused, saying how to configure one; and with
 * too little free disk the service is alive but not ready, saying why.
 */
class OpsApiWithoutTokenTest extends OpsTestBase {

    @Override
    protected java.util.Map<String, String> extraProperties() {
        return java.util.Map.of("vhdflow.health.min-free-bytes", String.valueOf(1L << 60));
    }

    @Test
    void mutatingCallsAreRefusedWith403() throws Exception {
        for (String path : new String[] {"/api/routes/intake/stop", "/api/jobs/any-job/retry"}) {
            for (String auth : new String[] {null, "Bearer ", "Bearer anything"}) {
                JsonNode r = call("POST", path, auth, 403);
                assertTrue(r.path("error").asText().contains("VHDFLOW_API_TOKEN"), r.toString());
                assertTrue(r.path("error").asText().contains("vhdflow.api.token"), r.toString());
            }
        }
        assertEquals("Started", context.getRouteController().getRouteStatus("intake").name());
        assertEquals("UP", get("/api/health/live", 200).path("status").asText());
        JsonNode ready = get("/api/health/ready", 503);
        assertEquals("DOWN", ready.path("status").asText());
        assertTrue(ready.path("reasons").toString().contains("free disk space"), ready.toString());
        assertEquals("DOWN", get("/api/health", 503).path("status").asText());
    }
}
