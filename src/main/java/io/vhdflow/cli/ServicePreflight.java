package io.vhdflow.cli;

import io.vhdflow.pipeline.HomeLayout;
import io.vhdflow.pipeline.HomeLock;
import io.vhdflow.store.Database;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What {@code vhdflow run} makes sure of before it starts the service, so that a service that
 * cannot work never starts: every home folder exists and takes a write, {@code drop/} can be
 * listed, no other service holds the home, the database opens, the HTTP port is free, and the
 * routes and dashboard files are there. Each failure is one {@link CommandFailure} (exit 4) that
 * says what to do.
 */
final class ServicePreflight {
    private ServicePreflight() {
    }

    static void check(Properties p, HomeLayout layout) {
        home(layout);
        lock(layout);
        database(layout);
        if (Boolean.parseBoolean(p.getProperty("vhdflow.http.enabled", "true").strip())) {
            port(p.getProperty("vhdflow.http.host").strip(), Integer.parseInt(p.getProperty("vhdflow.http.port").strip()));
            if (ServicePreflight.class.getResource("/META-INF/resources/index.html") == null) {
                throw CommandFailure.environment("missing-component", "dashboard", "its files are missing from this "
                        + "build (META-INF/resources/index.html)", "rebuild vhdflow (mvn -DskipTests package)");
            }
        }
        String routes = p.getProperty("vhdflow.routes", "");
        if (!routes.isBlank() && !Files.isDirectory(Path.of(routes))) {
            throw CommandFailure.environment("missing-component", "vhdflow.routes", routes + " is not a folder",
                    "point vhdflow.routes at the routes/ folder, or leave it empty to use the built-in routes");
        }
    }

    /** Every folder created and written to (a probe file, since permission bits do not bind root). */
    static void home(HomeLayout layout) {
        for (Path dir : layout.folders()) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw CommandFailure.environment("home-not-writable", "home " + layout.home(),
                        "cannot create " + dir + ": " + CommandFailure.why(e),
                        "choose a home you can write to with --home DIR, or fix its permissions").withCause(e);
            }
            Path probe = dir.resolve(".vhdflow-write-test-" + ProcessHandle.current().pid());
            try {
                Files.deleteIfExists(probe);
                Files.createFile(probe);
                Files.delete(probe);
            } catch (IOException e) {
                throw CommandFailure.environment("home-not-writable", "home " + layout.home(),
                        dir + " is not writable: " + CommandFailure.why(e),
                        "make it writable by this user, or choose another home with --home DIR").withCause(e);
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.drop())) {
            ds.iterator().hasNext();
        } catch (IOException e) {
            throw CommandFailure.environment("home-not-writable", "drop folder " + layout.drop(),
                    "cannot be listed: " + CommandFailure.why(e), "give this user read and execute permission on it")
                    .withCause(e);
        }
    }

    /** Another service on this home would take the same files: refused while its lock is held. */
    static void lock(HomeLayout layout) {
        try (HomeLock lock = HomeLock.acquire(layout)) {
            // Free: released at once; the service takes it for good when it opens the home.
        } catch (HomeLock.HeldException e) {
            throw CommandFailure.environment("home-locked", "home " + layout.home(),
                    "another vhdflow service is running on it", "stop that service first, or use another --home")
                    .withCause(e);
        } catch (IOException e) {
            throw CommandFailure.environment("home-not-writable", "home " + layout.home(),
                    "cannot take its lock: " + CommandFailure.why(e), "check the home's permissions").withCause(e);
        }
    }

    /** The database opens (and is brought up to date): a damaged file is refused with what to do. */
    static void database(HomeLayout layout) {
        try (Database db = Database.open(layout.database())) {
            db.read(c -> c.isValid(5));
        } catch (IOException | RuntimeException e) {
            String why = rootMessage(e);
            boolean notDatabase = why.contains("not a database") || why.contains("malformed");
            throw CommandFailure.environment("database", "database " + layout.database(),
                    notDatabase ? "is damaged or not a SQLite database (" + why + ")" : "cannot be opened: " + why,
                    notDatabase ? "restore it from a backup, or move it aside to start with an empty journal and catalog"
                            : "check that the home is writable and the file is vhdflow's").withCause(e);
        }
    }

    /** The HTTP port can be bound on the configured address (the service binds it for real a moment later). */
    static void port(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw CommandFailure.environment("config", "vhdflow.http.host=" + host, "is not a known host name",
                    "use an IP address of this machine, e.g. 127.0.0.1").withCause(e);
        }
        try (ServerSocket s = new ServerSocket()) {
            // As the HTTP server binds: SO_REUSEADDR, so a port with connections in TIME_WAIT is not "in use".
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            boolean inUse = String.valueOf(e.getMessage()).contains("in use");
            throw CommandFailure.environment(inUse ? "port-in-use" : "cannot-listen", host + ":" + port,
                    inUse ? "the port is in use by another program" : CommandFailure.why(e),
                    inUse ? "stop that program, or choose another port: --port N or vhdflow.http.port"
                            : "use an address of this machine in vhdflow.http.host").withCause(e);
        } catch (IOException e) {
            throw CommandFailure.environment("cannot-listen", host + ":" + port, CommandFailure.why(e),
                    "check vhdflow.http.host and vhdflow.http.port").withCause(e);
        }
    }

    /** The innermost message of {@code t}'s causes, where the driver's own words are. */
    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return CommandFailure.why(c);
    }
}
