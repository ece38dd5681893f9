package io.vhdflow.pipeline;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * How this node shares work with others ({@code vhdflow.database.*}, {@code vhdflow.node.id},
 * {@code vhdflow.resume.period-ms}; the shared data folder is in {@link HomeLayout}).
 *
 * @param database     the shared PostgreSQL database, or empty for the embedded SQLite file of one node
 * @param broker       the Artemis broker's URL carrying the work, or empty for the in-process queue
 * @param nodeId       this node's name in the journal and the status API
 * @param resumePeriod how often a node on the shared database looks for jobs no live worker holds
 */
public record ScaleOut(Optional<SharedDatabase> database, Optional<String> broker, String nodeId,
                       Duration resumePeriod) {

    /** The shared database's address and login. The password is never part of {@link #toString()}. */
    public record SharedDatabase(String url, String user, String password) {
        @Override
        public String toString() {
            return "SharedDatabase[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "(hidden)")
                    + "]";
        }
    }

    public static ScaleOut from(Properties p) {
        String url = p.getProperty("vhdflow.database.url", "").strip();
        Optional<SharedDatabase> db = url.isEmpty() ? Optional.empty() : Optional.of(new SharedDatabase(url,
                p.getProperty("vhdflow.database.user", "").strip(), p.getProperty("vhdflow.database.password", "")));
        String node = p.getProperty("vhdflow.node.id", "").strip();
        long period = Long.parseLong(p.getProperty("vhdflow.resume.period-ms", "10000").strip());
        String broker = p.getProperty("vhdflow.broker.url", "").strip();
        return new ScaleOut(db, broker.isEmpty() ? Optional.empty() : Optional.of(broker),
                node.isEmpty() ? hostName() : node, Duration.ofMillis(period));
    }

    /** Whether several nodes may share this node's work (a shared database is configured). */
    public boolean shared() {
        return database.isPresent();
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h.isBlank() ? "localhost" : h;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
