package io.vhdflow.pipeline.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** Derives Camel's own settings (HTTP server, REST, route locations) from vhdflow's properties. */
public final class CamelSettings {
    private CamelSettings() {
    }

    /**
     * Adds the {@code camel.*} properties. Routes come from {@code vhdflow.routes} when set, else the
     * {@code routes/} folder of the installation ({@code vhdflow.install}), else the copy in the jar.
     */
    public static Properties derive(Properties vhdflow) {
        Properties p = new Properties();
        p.putAll(vhdflow);
        p.setProperty("camel.main.name", "vhdflow");
        p.setProperty("camel.main.jmxEnabled", "false");
        // One line from Camel at start and stop; ops.camel.StartupSummary says what runs (API routes grouped).
        p.setProperty("camel.main.startupSummaryLevel", "Oneline");
        String routes = routesPattern(vhdflow);
        p.setProperty("camel.main.routesIncludePattern", routes);
        boolean http = Boolean.parseBoolean(p.getProperty("vhdflow.http.enabled", "true"));
        java.util.List<String> excluded = new java.util.ArrayList<>();
        if (!http) {
            // Without the HTTP server the REST routes cannot start; leave them out.
            excluded.add("**/api.yaml");
        }
        String broker = p.getProperty("vhdflow.broker.url", "").strip();
        int concurrency = Integer.parseInt(p.getProperty("vhdflow.pipeline.concurrency", "2").strip());
        if (broker.isEmpty()) {
            // One node: the work queue is in the process; the broker's dead-letter route has nothing to read.
            excluded.add("**/broker.yaml");
            p.setProperty("vhdflow.queue.to", "seda:jobs");
            p.setProperty("vhdflow.queue.from", "seda:jobs?concurrentConsumers=" + concurrency);
        } else {
            // Several nodes: the queue is on the broker, each message consumed in a transaction that commits
            // when the job leaves the pipeline (done or failed) and is lost with a worker that dies, so the
            // broker delivers the job again to another worker (JmsWorkQueue binds the component).
            p.setProperty("vhdflow.queue.to", "jms:queue:" + JmsWorkQueue.QUEUE);
            p.setProperty("vhdflow.queue.from", "jms:queue:" + JmsWorkQueue.QUEUE + "?transacted=true"
                    + "&concurrentConsumers=" + concurrency + "&maxConcurrentConsumers=" + concurrency
                    + "&cacheLevelName=CACHE_CONSUMER");
        }
        // The things that must run once: with the shared database several nodes run, and only the one
        // holding the leader role (a file lock in the shared data folder, LeaderRole) scans the drop
        // folder and runs the batch schedule.
        boolean shared = !p.getProperty("vhdflow.database.url", "").isBlank();
        String drop = "file:" + p.getProperty("vhdflow.dir.drop", "");
        String batch = "quartz:vhdflow/batch";
        p.setProperty("vhdflow.intake.from", shared ? "master:" + LeaderRole.INTAKE + ":" + drop : drop);
        p.setProperty("vhdflow.batch.from", shared ? "master:" + LeaderRole.BATCH + ":" + batch : batch);
        // VM image folders are scanned by the same leader as the drop folder: two nodes must not both
        // take one folder in.
        String folders = "timer:intakeFolders";
        p.setProperty("vhdflow.intake.folders.from", shared ? "master:" + LeaderRole.INTAKE + ":" + folders : folders);
        if (!excluded.isEmpty()) {
            p.setProperty("camel.main.routesExcludePattern", String.join(",", excluded));
        }
        p.setProperty("camel.main.shutdownTimeout", p.getProperty("vhdflow.shutdown-timeout-s", "30").strip());
        p.setProperty("camel.server.enabled", String.valueOf(http));
        p.setProperty("camel.server.host", p.getProperty("vhdflow.http.host"));
        p.setProperty("camel.server.port", p.getProperty("vhdflow.http.port"));
        // Camel's static handler answers any path from the working directory and the class path; the
        // dashboard's files are served by the 'dashboard' routes (ops.DashboardAssets) instead.
        p.setProperty("camel.server.staticEnabled", "false");
        p.setProperty("camel.rest.component", "platform-http");
        p.setProperty("camel.rest.bindingMode", "off");
        // Camel's route metrics (camel-micrometer-prometheus) in the registry /api/metrics serves.
        p.setProperty("camel.metrics.enabled", "true");
        // Per-route policy metrics cover exchanges; the exchange event notifier registers meters whose
        // tag sets differ (with and without routeId), which Prometheus rejects with a warning each time.
        p.setProperty("camel.metrics.enableExchangeEventNotifier", "false");
        return p;
    }

    static String routesPattern(Properties p) {
        Optional<Path> dir = Optional.ofNullable(p.getProperty("vhdflow.routes")).filter(r -> !r.isBlank()).map(Path::of)
                .or(() -> Optional.ofNullable(System.getProperty("vhdflow.install")).map(i -> Path.of(i, "routes")))
                .filter(Files::isDirectory);
        return dir.map(d -> "file:" + d.toAbsolutePath().normalize() + "/*.yaml").orElse("classpath:routes/*.yaml");
    }
}
