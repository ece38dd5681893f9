package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.SettingsLoader;
import io.vhdflow.pipeline.StageRecord;
import io.vhdflow.pipeline.StageState;
import io.vhdflow.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow jobs}: the jobs of a home and how far each has got, read from its database
 * read-only and without the home lock, so it works beside a running service.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"Lists jobs, newest first, with each running stage's progress (bytes done of total, rate).",
                "Reads the home's database read-only; safe while 'vhdflow run' is working."})
public final class JobsCommand implements Callable<Integer> {

    @Option(names = "--home", description = "Home folder (default ./vhdflow-home, or $VHDFLOW_HOME).")
    Path home;

    @Option(names = "--state", description = "Only jobs in this state: ${COMPLETION-CANDIDATES}.")
    JobState state;

    @Option(names = "--limit", description = "At most this many jobs (default ${DEFAULT-VALUE}).", defaultValue = "50")
    int limit;

    @Option(names = "--json", description = "Print JSON (jobs with their stages) instead of text.")
    boolean json;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || limit > 10_000) {
            err.println("vhdflow jobs: --limit must be between 1 and 10000");
            return 2;
        }
        Properties flags = new Properties();
        if (home != null) {
            flags.setProperty("vhdflow.home", home.toString());
        }
        Properties props = SettingsLoader.load(Optional.empty(), System.getenv(), flags);
        HomeLayout layout = new HomeLayout(Path.of(props.getProperty("vhdflow.home")));
        ObjectMapper mapper = Json.mapper();
        List<JobRecord> jobs;
        ArrayNode rows = mapper.createArrayNode();
        try (Database db = Database.openReadOnly(layout.database())) {
            JobJournal journal = new JobJournal(db, mapper);
            jobs = journal.jobs(new JobJournal.JobFilter(Optional.ofNullable(state), Optional.empty(),
                    Optional.empty(), limit));
            for (JobRecord j : jobs) {
                rows.add(row(mapper, j, journal.stages(j.id())));
            }
        } catch (java.io.IOException | io.vhdflow.store.StoreException e) {
            err.println("vhdflow jobs: " + e.getMessage());
            return 1;
        }
        if (json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            return 0;
        }
        if (rows.isEmpty()) {
            out.println("no jobs" + (state == null ? "" : " in state " + state.name().toLowerCase(Locale.ROOT))
                    + " in " + layout.home());
            return 0;
        }
        out.printf("%-30s %-9s %-9s %-28s %s%n", "JOB", "STATE", "STAGE", "IMAGE", "PROGRESS / RESULT");
        for (JsonNode r : rows) {
            out.printf("%-30s %-9s %-9s %-28s %s%n", r.path("id").asText(), r.path("state").asText(),
                    r.path("stage").asText("-"), r.path("image").asText() + (r.has("version")
                            ? " " + r.path("version").asText() : ""), r.path("progress").asText(""));
        }
        return 0;
    }

    private static ObjectNode row(ObjectMapper mapper, JobRecord j, List<StageRecord> stages) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", j.id());
        n.put("source", j.sourceName());
        n.put("state", j.state().name().toLowerCase(Locale.ROOT));
        j.currentStage().ifPresent(s -> n.put("stage", s.id()));
        n.put("image", j.metadata().gallery() + "/" + j.imageName());
        j.imageVersion().ifPresent(v -> n.put("version", v));
        j.verdict().ifPresent(v -> n.put("verdict", v));
        n.put("createdAt", j.createdAt().toString());
        j.finishedAt().ifPresent(f -> n.put("finishedAt", f.toString()));
        ArrayNode sa = n.putArray("stages");
        for (StageRecord s : stages) {
            ObjectNode sn = sa.addObject();
            sn.put("stage", s.stage().id());
            sn.put("state", s.state().name().toLowerCase(Locale.ROOT));
            sn.put("bytesDone", s.bytesDone());
            sn.put("bytesTotal", s.bytesTotal());
            s.duration().ifPresent(d -> sn.put("seconds", d.toMillis() / 1000.0));
            s.bytesPerSecond().ifPresent(b -> sn.put("bytesPerSecond", Math.round(b)));
        }
        n.put("progress", progress(j, stages, mapper));
        return n;
    }

    /** One line: the running stage's progress, or the job's result. */
    static String progress(JobRecord j, List<StageRecord> stages, ObjectMapper mapper) {
        if (j.state() == JobState.FAILED || j.state() == JobState.DUPLICATE) {
            String message = j.errorJson().map(e -> {
                try {
                    return mapper.readTree(e).path("message").asText(e);
                } catch (java.io.IOException x) {
                    return e;
                }
            }).orElse("");
            return (j.state() == JobState.FAILED ? "failed: " : "duplicate: ") + message;
        }
        if (j.state() == JobState.DONE) {
            return "done in " + j.finishedAt().map(f -> human(Duration.between(j.createdAt(), f))).orElse("?");
        }
        Optional<StageRecord> running = stages.stream().filter(s -> s.state() == StageState.RUNNING).findFirst();
        if (running.isEmpty()) {
            return j.state() == JobState.QUEUED ? "waiting for a pipeline slot" : "";
        }
        StageRecord s = running.get();
        String rate = s.bytesPerSecond().filter(b -> b > 0).map(b -> ", " + bytes(Math.round(b)) + "/s").orElse("");
        if (s.bytesTotal() > 0) {
            return s.stage().id() + " " + (100 * s.bytesDone() / s.bytesTotal()) + "% (" + bytes(s.bytesDone())
                    + " of " + bytes(s.bytesTotal()) + ")" + rate;
        }
        return s.stage().id() + " running for " + s.duration().map(JobsCommand::human).orElse("?");
    }

    /** Binary units, one decimal: "1.2 GiB". */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
