package io.vhdflow.pipeline;

import io.vhdflow.store.Database;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.vhdflow.store.Database.update;

/**
 * The nodes sharing the store: each says it is alive on every tick of the resume route, and a node
 * unseen for {@link #deadAfter()} is taken for dead, so its unfinished jobs are resumed by a live one.
 */
public final class Nodes {
    /** A node as the store knows it. */
    public record Node(String id, String host, Instant startedAt, Instant seenAt, boolean alive) {
    }

    private final Database db;
    private final String self;
    private final Duration deadAfter;
    private final Instant startedAt = Instant.now();

    /**
     * @param self      this node's id
     * @param heartbeat how often this node says it is alive; a node unseen for three of them is dead
     */
    public Nodes(Database db, String self, Duration heartbeat) {
        this.db = db;
        this.self = self;
        this.deadAfter = heartbeat.multipliedBy(3);
    }

    public String self() {
        return self;
    }

    /** How long a node may stay unseen before its jobs are resumed elsewhere. */
    public Duration deadAfter() {
        return deadAfter;
    }

    /** Records that this node is alive now. */
    public void heartbeat() {
        String now = Instant.now().toString();
        db.read(c -> update(c, "INSERT INTO nodes(id, host, started_at, seen_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT(id) DO UPDATE SET host = excluded.host, started_at = excluded.started_at,"
                        + " seen_at = excluded.seen_at", self, host(), startedAt.toString(), now));
    }

    /** Every node that ever shared the store, with whether it was seen lately. */
    public List<Node> list() {
        Instant now = Instant.now();
        return db.read(c -> {
            List<Node> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, host, started_at, seen_at FROM nodes ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant seen = Instant.parse(rs.getString(4));
                    out.add(new Node(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3)), seen,
                            !seen.plus(deadAfter).isBefore(now)));
                }
            }
            return out;
        });
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
