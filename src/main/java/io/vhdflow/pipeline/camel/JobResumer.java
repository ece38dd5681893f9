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
 * Later, with the shared database only: the unfinished jobs of nodes that stopped saying they are
 * alive ({@link Nodes#deadAfter()}), each handed over once; the pipeline's claim step makes sure
 * no two workers run one job even if a node thought dead is not.
 */
public final class JobResumer {
    private static final System.Logger LOG = System.getLogger(JobResumer.class.getName());

    private final JobJournal journal;
    private final Nodes nodes;
    private final JobClaims claims;
    private final boolean shared;
    private final Set<String> handedOver = ConcurrentHashMap.newKeySet();
    private volatile boolean started;

    public JobResumer(JobJournal journal, Nodes nodes, JobClaims claims, boolean shared) {
        this.journal = journal;
        this.nodes = nodes;
        this.claims = claims;
        this.shared = shared;
    }

    public List<String> unfinishedJobs() {
        nodes.heartbeat();
        boolean first = !started;
        started = true;
        if (!shared && !first) {
            return List.of();
        }
        List<JobRecord> unfinished = journal.unfinishedJobs();
        List<String> ids = new ArrayList<>();
        if (!shared) {
            unfinished.forEach(j -> ids.add(j.id()));
        } else {
            Set<String> alive = nodes.list().stream().filter(Nodes.Node::alive).map(Nodes.Node::id)
                    .collect(Collectors.toSet());
            Set<String> orphans = new java.util.HashSet<>();
            for (JobRecord j : unfinished) {
                Optional<String> owner = j.nodeId();
                boolean mine = owner.isEmpty() || owner.get().equals(nodes.self());
                boolean ownerDead = owner.isPresent() && !alive.contains(owner.get());
                if (first && mine) {
                    ids.add(j.id());
                } else if (ownerDead && !claims.heldHere(j.id())) {
                    orphans.add(j.id());
                    if (handedOver.add(j.id())) {
                        ids.add(j.id());
                    }
                }
            }
            handedOver.retainAll(orphans);
        }
        if (!ids.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "resuming {0} interrupted job(s): {1}", ids.size(), ids);
        }
        return ids;
    }
}
