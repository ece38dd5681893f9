package io.vhdflow.pipeline;

import io.vhdflow.store.Database;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.vhdflow.store.Database.update;

/**
 * Which worker runs a job now: a job is run only under a claim, and at most one claim on a job
 * exists at a time across every node sharing the store.
 *
 * <p>On PostgreSQL a claim is the job's {@code job_claims} row locked with {@code SELECT ... FOR
 * UPDATE SKIP LOCKED} in a transaction held open on a connection of its own until the job leaves
 * the worker: a second worker's claim finds the row locked and gets nothing at once (no waiting),
 * and when a worker dies ({@code kill -9}) the server ends its session, the lock goes with it, and
 * the job can be claimed again (to resume at its first stage not recorded done). On the embedded
 * SQLite database there is one node (the home lock keeps others out), so claims are kept in this
 * process.
 */
public final class JobClaims {
    /** A held claim; closing it lets the job go. */
    public interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    private final Database db;
    private final String nodeId;
    private final Set<String> claimedHere = ConcurrentHashMap.newKeySet();

    public JobClaims(Database db, String nodeId) {
        this.db = db;
        this.nodeId = nodeId;
    }

    /** The node this process is. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Claims {@code jobId} for this node and records the node on the job.
     *
     * @return the claim, or empty when another worker (here or on another node) holds the job
     */
    public Optional<Claim> claim(String jobId) {
        if (!claimedHere.add(jobId)) {
            return Optional.empty();
        }
        Claim claim;
        if (db.kind() == Database.Kind.POSTGRESQL) {
            Optional<Database.RowLock> lock;
            try {
                lock = db.lockRows("SELECT job_id FROM job_claims WHERE job_id = ? FOR UPDATE SKIP LOCKED", jobId);
            } catch (RuntimeException e) {
                claimedHere.remove(jobId);
                throw e;
            }
            if (lock.isEmpty()) {
                claimedHere.remove(jobId);
                return Optional.empty();
            }
            Database.RowLock held = lock.get();
            claim = () -> {
                try {
                    held.close();
                } finally {
                    claimedHere.remove(jobId);
                }
            };
        } else {
            claim = () -> claimedHere.remove(jobId);
        }
        try {
            db.read(c -> update(c, "UPDATE jobs SET node_id = ?, updated_at = ? WHERE id = ?", nodeId,
                    Instant.now().toString(), jobId));
        } catch (RuntimeException e) {
            claim.close();
            throw e;
        }
        return Optional.of(claim);
    }

    /** Whether a worker of this process holds {@code jobId} now. */
    public boolean heldHere(String jobId) {
        return claimedHere.contains(jobId);
    }
}
