package io.vhdflow.cli;

import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.JobState;
import io.vhdflow.pipeline.SettingsLoader;
import io.vhdflow.pipeline.camel.CamelSettings;
import io.vhdflow.pipeline.camel.VhdflowConfiguration;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/** {@code vhdflow run}: the pipeline service on embedded defaults. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the pipeline service: watches drop/ (and batch/ on schedule), and serves the status API.",
                "Configuration: built-in defaults < <home>/application.properties (or --config) < VHDFLOW_* "
                        + "environment variables < --set and the options below."})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--home", description = "Home folder (default ./vhdflow-home, or $VHDFLOW_HOME).")
    Path home;

    @Option(names = "--config", description = "Configuration file instead of <home>/application.properties.")
    Path config;

    @Option(names = "--port", description = "HTTP port of the status API (default 8080).")
    Integer port;

    @Option(names = "--set", description = "Set a property, e.g. --set vhdflow.pipeline.concurrency=4.",
            paramLabel = "KEY=VALUE")
    Map<String, String> set = new HashMap<>();

    @Option(names = "--sample", description = "Drop the bundled sample VHD into drop/ at start.")
    boolean sample;

    @Option(names = "--until-idle", description = "Exit once drop/ is empty and every job has finished "
            + "(exit code 1 if any job of this run failed).")
    boolean untilIdle;

    @Override
    public Integer call() throws Exception {
        Properties flags = new Properties();
        flags.putAll(set);
        if (home != null) {
            flags.setProperty("vhdflow.home", home.toString());
        }
        if (port != null) {
            flags.setProperty("vhdflow.http.port", port.toString());
        }
        Properties props = SettingsLoader.load(Optional.ofNullable(config), System.getenv(), flags);
        HomeLayout layout = new HomeLayout(Path.of(props.getProperty("vhdflow.home"))).create();
        if (sample) {
            dropSample(layout);
        }
        Main main = new Main();
        main.setInitialProperties(CamelSettings.derive(props));
        main.configure().addConfiguration(VhdflowConfiguration.class);
        System.out.printf("vhdflow: home %s, dashboard http://%s:%s/ (API under /api)%n", layout.home(),
                props.getProperty("vhdflow.http.host"), props.getProperty("vhdflow.http.port"));
        if (!untilIdle) {
            main.run();
            return main.getExitCode();
        }
        Instant started = Instant.now();
        main.start();
        try {
            return waitUntilIdle(main, layout, started);
        } finally {
            main.stop();
        }
    }

    private static void dropSample(HomeLayout layout) throws IOException {
        String name = "sample-linux.vhd";
        try (InputStream in = RunCommand.class.getResourceAsStream("/samples/" + name + ".zst")) {
            if (in == null) {
                throw new IOException("the sample VHD is missing from this build");
            }
            // Written aside and renamed, so the drop folder never sees a half-written file.
            Path tmp = layout.drop().resolve("." + name + ".tmp");
            try (InputStream z = new com.github.luben.zstd.ZstdInputStream(in)) {
                Files.copy(z, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
            Files.move(tmp, layout.drop().resolve(name), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            System.out.println("vhdflow: dropped the sample " + layout.drop().resolve(name));
        }
    }

    private static int waitUntilIdle(Main main, HomeLayout layout, Instant started) throws Exception {
        JobJournal journal = main.getCamelContext().getRegistry().lookupByNameAndType("journal", JobJournal.class);
        int idleChecks = 0;
        while (idleChecks < 3) {
            Thread.sleep(Duration.ofSeconds(1).toMillis());
            boolean busy = !journal.unfinishedJobs().isEmpty() || hasVhd(layout.drop());
            idleChecks = busy ? 0 : idleChecks + 1;
        }
        List<JobRecord> mine = journal.jobs(JobJournal.JobFilter.all()).stream()
                .filter(j -> !j.createdAt().isBefore(started)).toList();
        for (JobRecord j : mine) {
            System.out.printf("vhdflow: job %s %s: %s%s%n", j.id(), j.sourceName(),
                    j.state().name().toLowerCase(Locale.ROOT),
                    j.imageVersion().map(v -> " (" + j.imageName() + " " + v + ", " + j.verdict().orElse("") + ")")
                            .orElse(""));
        }
        return mine.stream().anyMatch(j -> j.state() == JobState.FAILED) ? 1 : 0;
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
