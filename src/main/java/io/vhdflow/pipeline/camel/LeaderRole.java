package io.vhdflow.pipeline.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The leader role for what must run on one node at a time (scanning the shared drop folder, the
 * batch schedule), through Camel's {@code master:} component over the file-lock cluster service
 * in the shared data folder: the node holding the lock file of a namespace runs its route; when it
 * dies the lock is free and another node takes the role within {@link #HANDOVER_SECONDS}.
 */
public final class LeaderRole {
    private static final System.Logger LOG = System.getLogger(LeaderRole.class.getName());
    /** The namespace of the drop-folder scan. */
    public static final String INTAKE = "vhdflow-intake";
    /** The namespace of the batch schedule. */
    public static final String BATCH = "vhdflow-batch";
    /** How often a follower tries the lock. */
    static final long INTERVAL_SECONDS = 2;
    /** Leader data older than this many intervals is stale (Camel's heartbeat timeout multiplier). */
    static final int STALE_INTERVALS = 5;
    /** The bound the README states: a dead leader's role is taken within this many seconds. */
    public static final long HANDOVER_SECONDS = INTERVAL_SECONDS * (STALE_INTERVALS + 1);

    private final CamelContext context;

    private LeaderRole(CamelContext context) {
        this.context = context;
    }

    /** Adds the cluster service, rooted in {@code data}/.cluster, for this node. */
    public static LeaderRole join(CamelContext context, Path data, String nodeId) throws Exception {
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setId(nodeId);
        cluster.setRoot(data.resolve(".cluster").toString());
        cluster.setAcquireLockDelay(1, TimeUnit.SECONDS);
        cluster.setAcquireLockInterval(INTERVAL_SECONDS, TimeUnit.SECONDS);
        cluster.setHeartbeatTimeoutMultiplier(STALE_INTERVALS);
        context.addService(cluster);
        // Say in the log when this node takes or loses the role: the one place an operator sees who scans.
        context.addStartupListener((ctx, alreadyStarted) -> cluster.getView(INTAKE).addEventListener(
                (CamelClusterEventListener.Leadership) (view, leader) -> LOG.log(System.Logger.Level.INFO,
                        Optional.ofNullable(leader).map(m -> m.isLocal() ? "node " + nodeId + " took the leader role (drop-folder scan,"
                                + " batch schedule)" : "node " + m.getId() + " holds the leader role")
                                .orElse("no node holds the leader role now"))));
        return new LeaderRole(context);
    }

    /** The node holding the drop-folder role, when any node holds it now. */
    public Optional<String> intakeLeader() {
        try {
            CamelClusterService cluster = context.hasService(CamelClusterService.class);
            if (cluster == null) {
                return Optional.empty();
            }
            return cluster.getView(INTAKE).getLeader().map(CamelClusterMember::getId);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Whether this node holds the drop-folder role now. */
    public boolean leaderHere() {
        try {
            CamelClusterService cluster = context.hasService(CamelClusterService.class);
            return cluster != null && cluster.getView(INTAKE).getLocalMember().isLeader();
        } catch (Exception e) {
            return false;
        }
    }
}
