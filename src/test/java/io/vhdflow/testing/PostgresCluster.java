package io.vhdflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway PostgreSQL cluster for a test class, started by {@code .ci/postgres.sh} (the same
 * script {@code bench/two-workers.sh} uses): Debian's {@code postgresql}, a fresh cluster in a temp
 * folder on a free port of 127.0.0.1. Where PostgreSQL is not installed the test is skipped,
 * except in CI, where it fails ({@link ExternalTools}).
 */
public final class PostgresCluster implements AutoCloseable {
    /** What the scale-out tests miss without PostgreSQL, and how to get it. */
    public static final String MISSING = "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)";

    private final Path folder;
    private final String url;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path folder, String url) {
        this.folder = folder;
        this.url = url;
    }

    public static boolean installed() {
        try (var dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            return dirs.anyMatch(d -> Files.isExecutable(d.resolve("bin/initdb")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts a cluster; skips the calling test where PostgreSQL is missing (fails it in CI). */
    public static PostgresCluster start() throws IOException, InterruptedException {
        ExternalTools.require(installed(), MISSING);
        String out = ScriptCommand.run(120, script().toString(), "start").strip();
        int space = out.lastIndexOf(' ');
        if (space < 0) {
            throw new IOException(".ci/postgres.sh start printed no cluster: " + out);
        }
        return new PostgresCluster(Path.of(out.substring(0, space)), out.substring(space + 1));
    }

    /** The project's cluster script, from the project folder Maven runs the tests in. */
    public static Path script() {
        return Path.of(System.getProperty("user.dir"), ".ci", "postgres.sh");
    }

    /** A new empty database in the cluster: its JDBC URL (user {@link #user()}, no password). */
    public String newDatabase() throws SQLException {
        String name = "t" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url, user(), "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return url.substring(0, url.lastIndexOf('/') + 1) + name;
    }

    public String user() {
        return "vhdflow";
    }

    /** The cluster's own database's URL. */
    public String url() {
        return url;
    }

    /** The psql client of the installed PostgreSQL. */
    public Path psql() throws IOException {
        try (var dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            return dirs.map(d -> d.resolve("bin/psql")).filter(Files::isExecutable).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("psql not found"));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ScriptCommand.run(120, script().toString(), "stop", folder.toString());
    }
}
