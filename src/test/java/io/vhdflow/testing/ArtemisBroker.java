package io.vhdflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway Apache Artemis broker for a test, started by {@code .ci/artemis.sh} (the same script
 * {@code bench/two-workers.sh} uses) from the distribution {@code .ci/run} unpacks into
 * {@code .tools/}: a fresh instance in a temp folder on a free port of 127.0.0.1. Where the
 * distribution is missing the test is skipped, except in CI, where it fails ({@link ExternalTools}).
 */
public final class ArtemisBroker implements AutoCloseable {
    /** The distribution version .ci/artemis.sh installs. */
    static final String VERSION = "2.40.0";
    public static final String MISSING = "the Apache Artemis distribution is not in .tools/apache-artemis-" + VERSION
            + " (run .ci/artemis.sh install, as .ci/run does)";

    private final Path folder;
    private final String url;

    private ArtemisBroker(Path folder, String url) {
        this.folder = folder;
        this.url = url;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(System.getProperty("user.dir"), ".tools", "apache-artemis-" + VERSION, "bin",
                "artemis"));
    }

    /** Starts a broker; skips the calling test where Artemis is not installed (fails it in CI). */
    public static ArtemisBroker start() throws IOException, InterruptedException {
        ExternalTools.require(installed(), MISSING);
        String out = ScriptCommand.run(180, script().toString(), "start").strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        int space = last.lastIndexOf(' ');
        if (space < 0) {
            throw new IOException(".ci/artemis.sh start printed no broker: " + out);
        }
        return new ArtemisBroker(Path.of(last.substring(0, space)), last.substring(space + 1));
    }

    static Path script() {
        return Path.of(System.getProperty("user.dir"), ".ci", "artemis.sh");
    }

    /** The broker's core URL, tcp://127.0.0.1:port. */
    public String url() {
        return url;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ScriptCommand.run(180, script().toString(), "stop", folder.toString());
    }
}
