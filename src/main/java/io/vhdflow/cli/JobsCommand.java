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
import io.vhdflow.pipeline.StageRecord;
import io.vhdflow.pipeline.StageState;
import io.vhdflow.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow jobs}: the jobs of a home and how far each has got, read from its database
 * read-only and without the home lock, so it works beside a running service; {@code --watch}
 * redraws it with a progress bar per running stage. {@code jobs show ID} explains one job,
 * {@code jobs retry ID} puts a failed one back to work.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"Lists jobs, newest first, with each running stage's progress (bytes done of total, rate).",
                "Reads the home's database read-only; safe while 'vhdflow run' is working."},
        subcommands = {JobsCommand.Show.class, JobRetryCommand.class})
public final class JobsCommand implements Callable<Integer> {
    /** Width of a progress bar in characters. */
    private static final int BAR = 24;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--state", description = "Only jobs in this state: ${COMPLETION-CANDIDATES}.")
    JobState state;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many jobs, 1 to 10000 (default ${DEFAULT-VALUE}).",
            defaultValue = "50")
    int limit;

    @Option(names = "--json", description = "Print JSON (jobs with their stages) instead of text.")
    boolean json;

    @Option(names = "--watch", description = "Redraw every --interval seconds until Ctrl-C, with a progress bar per "
            + "running stage (with --json: one JSON array per line).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "Seconds between redraws with --watch (default ${DEFAULT-VALUE}).")
    double interval;

    /** For tests: stop watching after this many redraws. */
    @Option(names = "--frames", hidden = true, defaultValue = "0")
    int frames;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || limit > 10_000) {
            throw CommandFailure.usage("jobs", "--limit must be from 1 to 10000, not " + limit, "see 'vhdflow jobs --help'");
        }
        if (interval < 0.2 || interval > 3600) {
            throw CommandFailure.usage("jobs", "--interval must be from 0.2 to 3600 seconds", "see 'vhdflow jobs --help'");
        }
        Properties props = settings.properties();
        HomeLayout layout = layout(props);
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = System.console() != null && !json;
        for (int frame = 1; ; frame++) {
            ArrayNode rows = rows(props);
            if (json) {
                out.println(watch ? rows.toString() : Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(rows));
            } else {
                if (watch) {
                    // Clear the screen on a terminal; elsewhere, separate redraws with their time.
                    out.print(terminal ? "\033[H\033[2J" : frame > 1 ? System.lineSeparator() : "");
                    out.println("jobs in " + layout.home() + " at " + Units.time(Instant.now()) + " (Ctrl-C to stop)");
                }
                text(out, rows, layout);
            }
            out.flush();
            if (!watch || (frames > 0 && frame >= frames)) {
                return ExitCode.OK;
            }
            Thread.sleep(Math.round(interval * 1000));
        }
    }

    static HomeLayout layout(Properties p) {
        return new HomeLayout(Path.of(p.getProperty("vhdflow.home")));
    }

    /**
     * The database the service of these settings writes: the shared PostgreSQL one when
     * {@code vhdflow.database.url} names it (every worker's jobs and the one catalog), else the
     * home's own, read-only. Failing to reach either is an environment failure (exit 4).
     */
    static Database openForReading(Properties p) {
        return openForReading(p, 1, "schema");
    }

    /**
     * {@link #openForReading(Properties)}, refusing a database whose schema is older than
     * {@code needed} (a migration this vhdflow reads through): it names the version found.
     */
    static Database openForReading(Properties p, int needed, String what) {
        Database db = connectForReading(p);
        try {
            int version = db.read(c -> {
                try (var st = c.createStatement();
                     var rs = st.executeQuery("SELECT version FROM \"flyway_schema_history\" WHERE success")) {
                    int max = 0;
                    while (rs.next()) {
                        String v = rs.getString(1);
                        if (v != null && v.matches("\\d+")) {
                            max = Math.max(max, Integer.parseInt(v));
                        }
                    }
                    return max;
                } catch (java.sql.SQLException e) {
                    return -1;  // no history table: not a vhdflow database, or one no worker has started on
                }
            });
            if (version < needed) {
                throw CommandFailure.environment("database", databaseName(p), "has " + what + " version "
                        + (version < 0 ? "unknown (not a vhdflow database?)" : version) + ", this vhdflow needs "
                        + needed, "start 'vhdflow run' once with this "
                        + (io.vhdflow.pipeline.ScaleOut.from(p).database().isPresent() ? "database" : "home")
                        + " to bring it up to date");
            }
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static Database connectForReading(Properties p) {
        Optional<io.vhdflow.pipeline.ScaleOut.SharedDatabase> shared = io.vhdflow.pipeline.ScaleOut.from(p).database();
        if (shared.isEmpty()) {
            return openReadOnly(layout(p));
        }
        try {
            return Database.connectForReading(shared.get().url(), shared.get().user(), shared.get().password());
        } catch (IOException e) {
            throw CommandFailure.environment("database", "shared database " + Database.redact(shared.get().url()),
                    "cannot be reached: " + CommandFailure.why(e.getCause() != null ? e.getCause() : e),
                    "check vhdflow.database.url, VHDFLOW_DATABASE_USER and VHDFLOW_DATABASE_PASSWORD, and that "
                            + "PostgreSQL is running ('vhdflow config check' shows where each came from)").withCause(e);
        }
    }

    /** What {@link #openForReading} reads, for messages. */
    static String databaseName(Properties p) {
        return io.vhdflow.pipeline.ScaleOut.from(p).database().map(d -> "shared database " + Database.redact(d.url()))
                .orElseGet(() -> "database " + layout(p).database());
    }

    /** The home's database, read-only; a missing or unreadable one is an environment failure (exit 4). */
    static Database openReadOnly(HomeLayout layout) {
        try {
            return Database.openReadOnly(layout.database());
        } catch (java.nio.file.NoSuchFileException e) {
            throw CommandFailure.environment("not-found", "database " + layout.database(), "does not exist: nothing "
                    + "has run in this home yet", "check --home or VHDFLOW_HOME").withCause(e);
        } catch (IOException e) {
            throw CommandFailure.environment("database", "database " + layout.database(), "cannot be read: "
                    + CommandFailure.why(e.getCause() != null ? e.getCause() : e),
                    "check that it is vhdflow's database and readable").withCause(e);
        }
    }

    private ArrayNode rows(Properties p) {
        ObjectMapper mapper = Json.mapper();
        ArrayNode rows = mapper.createArrayNode();
        try (Database db = openForReading(p)) {
            JobJournal journal = new JobJournal(db, mapper);
            for (JobRecord j : journal.jobs(new JobJournal.JobFilter(Optional.ofNullable(state), Optional.empty(),
                    Optional.empty(), limit))) {
                rows.add(row(mapper, j, journal.stages(j.id())));
            }
        } catch (io.vhdflow.store.StoreException e) {
            throw CommandFailure.ofEnvironment(e, databaseName(p));
        }
        return rows;
    }

    private void text(PrintWriter out, ArrayNode rows, HomeLayout layout) {
        if (rows.isEmpty()) {
            out.println("no jobs" + (state == null ? "" : " in state " + state.name().toLowerCase(Locale.ROOT))
                    + " in " + layout.home());
            return;
        }
        out.printf("%-30s %-9s %-9s %-28s %s%n", "JOB", "STATE", "STAGE", "IMAGE", "PROGRESS / RESULT");
        for (JsonNode r : rows) {
            out.printf("%-30s %-9s %-9s %-28s %s%n", r.path("id").asText(), r.path("state").asText(),
                    r.path("stage").asText("-"), r.path("image").asText() + (r.has("version")
                            ? " " + r.path("version").asText() : ""), r.path("progress").asText(""));
            if (watch) {
                for (JsonNode s : r.path("stages")) {
                    if (s.path("state").asText().equals("running")) {
                        out.println("    " + bar(s));
                    }
                }
            }
        }
    }

    /** {@code backup  [##########..............]  42% (1.2 GiB of 2.8 GiB), 85.3 MiB/s}. */
    static String bar(JsonNode stage) {
        long done = stage.path("bytesDone").asLong();
        long total = stage.path("bytesTotal").asLong();
        String rate = stage.has("bytesPerSecond") && stage.path("bytesPerSecond").asLong() > 0
                ? ", " + Units.rate(stage.path("bytesPerSecond").asLong()) : "";
        if (total <= 0) {
            return String.format("%-9s running for %s%s", stage.path("stage").asText(),
                    Units.duration(Duration.ofMillis(Math.round(stage.path("seconds").asDouble() * 1000))),
                    done > 0 ? ", " + Units.bytes(done) + " so far" : "");
        }
        int filled = (int) Math.min(BAR, BAR * done / total);
        return String.format("%-9s [%s%s] %3d%% (%s of %s)%s", stage.path("stage").asText(), "#".repeat(filled),
                ".".repeat(BAR - filled), 100 * done / total, Units.bytes(done), Units.bytes(total), rate);
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
            return "done in " + j.finishedAt().map(f -> Units.duration(Duration.between(j.createdAt(), f))).orElse("?");
        }
        Optional<StageRecord> running = stages.stream().filter(s -> s.state() == StageState.RUNNING).findFirst();
        if (running.isEmpty()) {
            return j.state() == JobState.QUEUED ? "waiting for a pipeline slot" : "";
        }
        StageRecord s = running.get();
        String rate = s.bytesPerSecond().filter(b -> b > 0).map(b -> ", " + Units.rate(b)).orElse("");
        if (s.bytesTotal() > 0) {
            return s.stage().id() + " " + (100 * s.bytesDone() / s.bytesTotal()) + "% (" + Units.bytes(s.bytesDone())
                    + " of " + Units.bytes(s.bytesTotal()) + ")" + rate;
        }
        return s.stage().id() + " running for " + s.duration().map(Units::duration).orElse("?");
    }

    /** {@code jobs show ID}: one job's stages, timings, findings by category, error and remedy. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows one job: its stages (state, attempts, start, time taken, bytes, rate), the findings "
                    + "of its verification grouped as blocking, warning, not run, waived and passed, each with its "
                    + "evidence and remedy, and its error with what to do.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        SettingsOptions settings = new SettingsOptions();

        @CommandLine.Parameters(paramLabel = "ID", description = "The job id (as 'vhdflow jobs' lists it).")
        String id;

        @Option(names = "--json", description = "Print the job as the API's GET /api/jobs/{id} does.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Properties p = settings.properties();
            HomeLayout layout = layout(p);
            ObjectMapper mapper = Json.mapper();
            JsonNode job;
            try (Database db = openForReading(p)) {
                io.vhdflow.ops.ApiReply reply = JobReport.of(db, layout, mapper, id);
                if (reply.status() == 404) {
                    throw CommandFailure.input("not-found", "job " + id, "is not in the journal of " + layout.home(),
                            "'vhdflow jobs' lists the jobs");
                }
                job = mapper.valueToTree(reply.body());
            } catch (io.vhdflow.store.StoreException e) {
                throw CommandFailure.ofEnvironment(e, databaseName(p));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(job));
            } else {
                out.print(JobReport.text(job));
            }
            out.flush();
            return ExitCode.OK;
        }
    }
}
