package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.JobClaims;
import io.vhdflow.pipeline.JobJournal;
import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.pipeline.Nodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Lists the jobs to send back to the pipeline, on every tick of the resume route. At start-up: the
 * jobs a crash or kill interrupted on this node (with the embedded database, every unfinished job).
 * Later, with the shared database ({@code takeOver}): the unfinished jobs of nodes that stopped
 * saying they are alive ({@link Nodes#deadAfter()}), each handed over once; the pipeline's claim step
 * makes sure no two workers run one job even if a node thought dead is not, or the broker delivers
 * the same job again.
 */
public final class JobResumer {
    private static final System.Logger LOG = System.getLogger(JobResumer.class.getName());

    private final JobJournal journal;
    private final Nodes nodes;
    private final JobClaims claims;
    private final boolean shared;
    private final boolean takeOver;
    private final Set<String> handedOver = ConcurrentHashMap.newKeySet();
    private volatile boolean started;

    /**
     * @param shared   the database is shared: at start-up only this node's own jobs are resumed
     * @param takeOver also take over the jobs of dead nodes on later ticks
     */
    public JobResumer(JobJournal journal, Nodes nodes, JobClaims claims, boolean shared, boolean takeOver) {
        this.journal = journal;
        this.nodes = nodes;
        this.claims = claims;
        this.shared = shared;
        this.takeOver = takeOver;
    }

    public List<String> unfinishedJobs() {
        nodes.heartbeat();
        boolean first = !started;
        started = true;
        if (!first && !takeOver) {
            return List.of();
        }
        Set<String> alive = takeOver ? nodes.list().stream().filter(Nodes.Node::alive).map(Nodes.Node::id)
                .collect(Collectors.toSet()) : Set.of();
        List<String> ids = new ArrayList<>();
        Set<String> orphans = new java.util.HashSet<>();
        for (JobRecord j : journal.unfinishedJobs()) {
            Optional<String> owner = j.nodeId();
            boolean mine = owner.isEmpty() || owner.get().equals(nodes.self());
            if (first && (!shared || mine)) {
                ids.add(j.id());
            } else if (takeOver && owner.isPresent() && !alive.contains(owner.get()) && !claims.heldHere(j.id())) {
                orphans.add(j.id());
                if (handedOver.add(j.id())) {
                    ids.add(j.id());
                }
            }
        }
        handedOver.retainAll(orphans);
        if (!ids.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "resuming {0} interrupted job(s): {1}", ids.size(), ids);
        }
        return ids;
    }
}
