package io.vhdflow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdflow.ops.log.ConsoleLoggerFactory;
import io.vhdflow.ops.log.LogFormat;
import io.vhdflow.ops.log.LogSettings;
import io.vhdflow.pipeline.EffectiveSettings.Origin;
import io.vhdflow.pipeline.EffectiveSettings.Setting;
import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.Json;
import io.vhdflow.pipeline.camel.CamelSettings;
import io.vhdflow.pipeline.camel.VhdflowConfiguration;
import org.apache.camel.main.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code vhdflow run}: the pipeline service on embedded defaults. Before anything starts, the
 * configuration is checked in full and the home, its lock, the database and the HTTP port are
 * tried ({@link ServicePreflight}): a service that could not work exits 4 with one line saying
 * why, instead of running without HTTP or logging the same failure every second.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline service: watches drop/ (and batch/ on schedule), and serves the status API "
                + "and dashboard.",
                "Configuration: built-in defaults < <home>/application.properties (or --config) < VHDFLOW_* "
                        + "environment variables < --set and the options below ('vhdflow config show' shows the "
                        + "result)."})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--port", paramLabel = "N", description = "HTTP port of the status API and dashboard (default 8080).")
    Integer port;

    @Option(names = "--sample", description = "Drop the bundled sample VHD into drop/ at start.")
    boolean sample;

    @Option(names = "--until-idle", description = "Exit once drop/ is empty and every job has finished "
            + "(exit code 1 if any job of this run failed).")
    boolean untilIdle;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "Lowest log level written: error, warn, info (default), debug, trace.")
    String logLevel;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "Log lines as text (default) or json (one object per line).")
    String logFormat;

    @Option(names = "--json", description = "Report a start-up failure, and the --until-idle summary, as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Setting> flags = new ArrayList<>();
        if (port != null) {
            flags.add(new Setting("vhdflow.http.port", port.toString(), Origin.flag("--port")));
        }
        if (logLevel != null) {
            flags.add(new Setting("vhdflow.log.level", logLevel, Origin.flag("--log-level")));
        }
        if (logFormat != null) {
            flags.add(new Setting("vhdflow.log.format", logFormat, Origin.flag("--log-format")));
        }
        Properties props = settings.properties(flags);
        ConsoleLoggerFactory.current().ifPresent(f -> f.configure(new LogSettings(
                LogSettings.level(props.getProperty("vhdflow.log.level")).orElseThrow(),
                LogFormat.named(props.getProperty("vhdflow.log.format")).orElseThrow())));
        HomeLayout layout = new HomeLayout(Path.of(props.getProperty("vhdflow.home")));
        ServicePreflight.check(props, layout);
        if (sample) {
            dropSample(layout);
        }
        Main main = new Main();
        main.setInitialProperties(CamelSettings.derive(props));
        main.configure().addConfiguration(VhdflowConfiguration.class);
        Instant started = Instant.now();
        try {
            main.start();
        } catch (Exception e) {
            main.stop();
            throw startFailure(e, props);
        }
        if (main.getCamelContext() == null || !main.getCamelContext().isStarted()) {
            main.stop();
            throw CommandFailure.environment("start", "the service", "did not start (the log above says why)",
                    "run it again with --log-level debug for details");
        }
        info(listening(props, layout));
        if (!untilIdle) {
            // Started already; run() waits for Ctrl-C (or SIGTERM, through Camel's hang-up hook), then stops the
            // routes, letting jobs in flight finish up to the shutdown timeout.
            main.run();
            return ExitCode.OK;
        }
        try {
            return waitUntilIdle(main, layout, started);
        } finally {
            main.stop();
        }
    }

    /** What the service listens on, as it is bound: an address of all interfaces is said as such. */
    static String listening(Properties p, HomeLayout layout) {
        if (!Boolean.parseBoolean(p.getProperty("vhdflow.http.enabled", "true").strip())) {
            return "vhdflow: home " + layout.home() + "; the HTTP API and dashboard are off (vhdflow.http.enabled=false)";
        }
        String host = p.getProperty("vhdflow.http.host").strip();
        String port = p.getProperty("vhdflow.http.port").strip();
        boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String url = "http://" + (any ? "<this host>" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]"
                : host) + ":" + port + "/";
        return "vhdflow: home " + layout.home() + "; listening on " + (any ? "all interfaces (" + host + ") port "
                + port + ", dashboard " + url : url + " (dashboard; API under /api)");
    }

    private void info(String line) {
        if (!json) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(line);
            out.flush();
        }
    }

    /** A failure while Camel started: a port taken in the meantime, or anything else said in one line. */
    private static CommandFailure startFailure(Exception e, Properties p) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return CommandFailure.environment("port-in-use", p.getProperty("vhdflow.http.host") + ":"
                        + p.getProperty("vhdflow.http.port"), "the port is in use by another program",
                        "stop that program, or choose another port: --port N or vhdflow.http.port").withCause(e);
            }
            if (c instanceof CommandFailure f) {
                return f;
            }
            if (c instanceof io.vhdflow.pipeline.HomeLock.HeldException h) {
                return CommandFailure.environment("home-locked", "home " + p.getProperty("vhdflow.home"),
                        "another vhdflow service is running on it", "stop that service first, or use another --home")
                        .withCause(e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return CommandFailure.environment("start", "the service", "could not start: " + CommandFailure.why(root),
                "run it again with --debug for the details").withCause(e);
    }

    private void dropSample(HomeLayout layout) throws IOException {
        String name = "sample-linux.vhd";
        try (InputStream in = RunCommand.class.getResourceAsStream("/samples/" + name + ".zst")) {
            if (in == null) {
                throw CommandFailure.environment("missing-component", "--sample", "the sample VHD is missing from "
                        + "this build", "rebuild vhdflow (mvn -DskipTests package)");
            }
            // Written aside and renamed, so the drop folder never sees a half-written file.
            Path tmp = layout.drop().resolve("." + name + ".tmp");
            try (InputStream z = new com.github.luben.zstd.ZstdInputStream(in)) {
                Files.copy(z, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
            Files.move(tmp, layout.drop().resolve(name), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            info("vhdflow: dropped the sample " + layout.drop().resolve(name));
        }
    }

    private int waitUntilIdle(Main main, HomeLayout layout, Instant started) throws Exception {
        JobJournal journal = main.getCamelContext().getRegistry().lookupByNameAndType("journal", JobJournal.class);
        int idleChecks = 0;
        while (idleChecks < 3) {
            Thread.sleep(Duration.ofSeconds(1).toMillis());
            boolean busy = !journal.unfinishedJobs().isEmpty() || hasVhd(layout.drop());
            idleChecks = busy ? 0 : idleChecks + 1;
        }
        List<JobRecord> mine = journal.jobs(JobJournal.JobFilter.all()).stream()
                .filter(j -> !j.createdAt().isBefore(started)).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode rows = Json.mapper().createArrayNode();
            for (JobRecord j : mine) {
                ObjectNode r = rows.addObject();
                r.put("id", j.id());
                r.put("source", j.sourceName());
                r.put("state", j.state().name().toLowerCase(Locale.ROOT));
                j.imageVersion().ifPresent(v -> r.put("version", v));
                j.verdict().ifPresent(v -> r.put("verdict", v));
            }
            out.println(Json.mapper().createObjectNode().set("jobs", rows));
        } else {
            for (JobRecord j : mine) {
                out.printf("vhdflow: job %s %s: %s%s%n", j.id(), j.sourceName(),
                        j.state().name().toLowerCase(Locale.ROOT),
                        j.imageVersion().map(v -> " (" + j.imageName() + " " + v + ", " + j.verdict().orElse("") + ")")
                                .orElse(""));
            }
        }
        out.flush();
        return mine.stream().anyMatch(j -> j.state() == JobState.FAILED) ? ExitCode.NOT_READY : ExitCode.OK;
    }

    /** True while drop/ holds a VHD the intake route will take (refused files do not count). */
    private static boolean hasVhd(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (io.vhdflow.pipeline.IntakeService.refusal(p).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }
}
