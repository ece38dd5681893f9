package io.vhdflow.ops.camel;

import io.vhdflow.ops.RouteTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up lines say what is true: the bound address, the API's routes as a group, the batch as it is. */
class StartupSummaryTest {
    private static RouteTable routes(String batchStatus) {
        return new RouteTable() {
            @Override
            public List<RouteView> routes() {
                return List.of(view("intake", "Started"), view("pipeline", "Started"), view("batch", batchStatus),
                        view("api-jobs", "Started"), view("api-job", "Started"));
            }

            private RouteView view(String id, String status) {
                return new RouteView(id, "x:" + id, status, 0, 0, 0, 0, Optional.empty(), Optional.empty(),
                        servesApi(id));
            }

            @Override
            public boolean exists(String id) {
                return true;
            }

            @Override
            public boolean servesApi(String id) {
                return id.startsWith("api-");
            }

            @Override
            public String control(String id, Action action) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void aDisabledBatchIsNeverSaidToBeScheduled() {
        List<String> lines = new StartupSummary(routes("Disabled"), props("vhdflow.http.host", "127.0.0.1",
                "vhdflow.http.port", "8080", "vhdflow.batch.enabled", "false", "vhdflow.batch.cron", "0 0 2 * * ?"))
                .lines();
        assertEquals(List.of("routes: intake started, pipeline started",
                "HTTP: dashboard and API (2 of 2 API routes started) listening on http://127.0.0.1:8080/",
                "batch: disabled (vhdflow.batch.enabled=false); files in batch/ wait until it is enabled"), lines);
    }

    @Test
    void anEnabledBatchSaysItsNextRunAndAllInterfacesAreSaidAsSuch() {
        List<String> lines = new StartupSummary(routes("Started"), props("vhdflow.http.host", "0.0.0.0",
                "vhdflow.http.port", "9000", "vhdflow.batch.enabled", "true", "vhdflow.batch.cron", "0 0 2 * * ?"))
                .lines();
        assertEquals("HTTP: dashboard and API (2 of 2 API routes started) listening on all interfaces (0.0.0.0) "
                + "port 9000", lines.get(1));
        assertTrue(lines.get(2).matches("batch: scheduled by cron '0 0 2 \\* \\* \\?', next run \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z"),
                lines.get(2));
    }
}
