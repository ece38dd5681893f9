package io.vhdflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.ops.JobRetry;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.HomeLock;
import io.vhdflow.pipeline.IntakeService;
import io.vhdflow.pipeline.JobFailure;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.Settings;
import io.vhdflow.store.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow jobs retry ID}: puts a failed job back to work, as {@code POST
 * /api/jobs/{id}/retry} does. With a service running on the home (it holds the home's lock) the
 * request goes to that service's API with the configured token, so the job re-enters its
 * pipeline at once; with none running, the job is queued in the journal directly and resumes when
 * {@code vhdflow run} next starts.
 */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Retries a failed job from its first stage not done (a verified backup is not made twice).",
                "A job that failed at intake (bad sidecar) has its sidecar read again from failed/<job>/: correct it "
                        + "there first. With a service running on the home, the retry goes through its API (needs "
                        + "vhdflow.api.token); otherwise the job resumes when 'vhdflow run' next starts."})
final class JobRetryCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Parameters(paramLabel = "ID", description = "The id of the failed job.")
    String id;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Properties p = settings.properties();
        HomeLayout layout = JobsCommand.layout(p);
        HomeLock lock;
        try {
            lock = HomeLock.acquire(layout);
        } catch (HomeLock.HeldException running) {
            return throughService(p);
        } catch (IOException e) {
            throw CommandFailure.ofEnvironment(e, "home " + layout.home());
        }
        try (lock; Database db = Database.open(layout.database())) {
            ObjectMapper mapper = Json.mapper();
            Settings s = Settings.from(p);
            JobJournal journal = new JobJournal(db, mapper);
            IntakeService intake = new IntakeService(s, journal, new JobFailure(layout, journal, mapper), mapper);
            JobRetry.Outcome outcome = new JobRetry(layout, journal, intake, mapper).retry(id);
            if (outcome instanceof JobRetry.Outcome.Queued q) {
                return queued(q.jobId(), q.resumesAt(), "it resumes when 'vhdflow run' starts on " + layout.home());
            }
            if (outcome instanceof JobRetry.Outcome.NotFound) {
                throw notFound(layout);
            }
            if (outcome instanceof JobRetry.Outcome.Conflict c) {
                throw CommandFailure.input("conflict", "job " + id, c.message(), "'vhdflow jobs show " + id
                        + "' shows its state");
            }
            JobRetry.Outcome.StillInvalid si = (JobRetry.Outcome.StillInvalid) outcome;
            throw new CommandFailure("metadata.invalid", ExitCode.INPUT_INVALID, "job " + id, si.message(),
                    "correct the sidecar in " + layout.jobFailed(id) + " and retry",
                    si.problems().stream().map(x -> "job " + id + ": sidecar: " + x).toList());
        } catch (IllegalArgumentException e) {
            throw CommandFailure.input("not-found", "job " + id, "is not a job id of this home", "'vhdflow jobs' lists "
                    + "the jobs");
        }
    }

    private CommandFailure notFound(HomeLayout layout) {
        return CommandFailure.input("not-found", "job " + id, "is not in the journal of " + layout.home(),
                "'vhdflow jobs' lists the jobs");
    }

    private int queued(String jobId, String resumesAt, String when) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().createObjectNode().put("id", jobId).put("state", "queued")
                    .put("resumesAt", resumesAt));
        } else {
            out.println("job " + jobId + " is queued again and resumes at its " + resumesAt + " stage; " + when);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** The home is held by a running service: ask it, through its API, with the configured token. */
    private int throughService(Properties p) throws IOException, InterruptedException {
        if (!Boolean.parseBoolean(p.getProperty("vhdflow.http.enabled", "true").strip())) {
            throw CommandFailure.environment("service-running", "home " + p.getProperty("vhdflow.home"),
                    "a service runs on it without its HTTP API", "stop the service, retry, then start it again");
        }
        String token = p.getProperty("vhdflow.api.token", "");
        if (token.isBlank()) {
            throw CommandFailure.environment("no-token", "the running service", "accepts a retry only with the API "
                    + "token", "set VHDFLOW_API_TOKEN (or vhdflow.api.token) to the service's token");
        }
        String host = p.getProperty("vhdflow.http.host").strip();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        URI uri = URI.create("http://" + host + ":" + p.getProperty("vhdflow.http.port").strip() + "/api/jobs/"
                + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8) + "/retry");
        HttpResponse<String> r;
        try {
            r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw CommandFailure.environment("service-unreachable", uri.getHost() + ":" + uri.getPort(),
                    "the service holding the home does not answer: " + CommandFailure.why(e),
                    "check that it is running and vhdflow.http.host/port match its own").withCause(e);
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            body = Json.mapper().createObjectNode();
        }
        String message = body.path("error").asText("the service answered " + r.statusCode());
        switch (r.statusCode()) {
            case 202 -> {
                return queued(id, body.path("resumesAt").asText("?"), "the running service has taken it");
            }
            case 404 -> throw CommandFailure.input("not-found", "job " + id, "is not in the journal of "
                    + p.getProperty("vhdflow.home"), "'vhdflow jobs' lists the jobs");
            case 409 -> throw CommandFailure.input("conflict", "job " + id, message, "'vhdflow jobs show " + id
                    + "' shows its state");
            case 422 -> {
                List<String> problems = Json.mapper().convertValue(body.path("problems"),
                        Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
                throw new CommandFailure("metadata.invalid", ExitCode.INPUT_INVALID, "job " + id, message,
                        "correct the sidecar and retry", problems == null ? List.of()
                        : problems.stream().map(x -> "job " + id + ": sidecar: " + x).toList());
            }
            case 401, 403 -> throw CommandFailure.environment("no-token", "the running service", message,
                    "set VHDFLOW_API_TOKEN to the service's token");
            default -> throw CommandFailure.environment("service", "the running service", message,
                    "see the service's log");
        }
    }
}
