package io.vhdflow.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vhdflow.catalog.ImageMetadata;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.Json;
import io.vhdflow.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vhdflow_queue_depth} on a node whose jobs wait on a broker (no in-process queue to
 * measure): the jobs recorded and not started, not a constant 0.
 */
class QueueDepthTest {
    @Test
    void withABrokerTheDepthIsTheJobsRecordedAndNotStarted(@TempDir Path dir) throws Exception {
        HomeLayout home = new HomeLayout(dir).create();
        try (Database db = Database.open(home.database())) {
            JobJournal journal = new JobJournal(db, Json.mapper());
            ImageMetadata meta = ImageMetadata.EMPTY.withDefaults("vhdflow", "vhdflow", "a.vhd");
            journal.createJob("20260101-000000-aaaaaaaaaaaa", Optional.empty(), "a.vhd", 1 << 20, meta);
            journal.createJob("20260101-000001-bbbbbbbbbbbb", Optional.empty(), "b.vhd", 1 << 20, meta);
            journal.startStage("20260101-000001-bbbbbbbbbbbb", io.vhdflow.pipeline.Stage.BACKUP, 1 << 20);

            PipelineMetrics broker = new PipelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), journal,
                    home, Optional.empty());
            assertTrue(broker.scrape().body().toString().contains("\nvhdflow_queue_depth 1.0\n"), broker.scrape().body().toString());

            PipelineMetrics inProcess = new PipelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    journal, home, Optional.of(() -> 7));
            assertTrue(inProcess.scrape().body().toString().contains("\nvhdflow_queue_depth 7.0\n"), inProcess.scrape().body().toString());
        }
    }
}
