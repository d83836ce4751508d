package foresight.db.cluster;

import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cluster's shared state in PostgreSQL: nodes and their epochs, the live queue lines, agent reservations and the
 * janitor lease. Thread-safe; every method is one short transaction.
 *
 * <p>Fencing: a write by an owner node names its node id and epoch and first takes a share lock on its own
 * {@code cluster_nodes} row, still {@code up} (or {@code draining}) with that epoch. The janitor marks a node dead by
 * updating that row, so it waits for an owner's write in flight and an owner's later write finds the row changed and
 * is refused. Ordering uses the database clock only ({@code now()}, default of {@code enqueued_at}). An offer's
 * {@code offered_at} and every {@code ended_at} are {@code clock_timestamp()}, the moment of the write rather than
 * the start of its transaction: a match that waited on the queue's lock would otherwise stamp its offer earlier than
 * the release it waited for, and the rows could not show that one agent's offers never overlap.
 */
public final class ClusterRepository {
    /** The channel every change is announced on (NOTIFY inside the transaction that made it). */
    public static final String CHANNEL = "foresight_acd";

    private final DSLContext dsl;

    public ClusterRepository(DSLContext dsl) { this.dsl = dsl; }

    // ---- nodes -------------------------------------------------------------------------------------------------

    /**
     * The node (re)joins with a new epoch, larger than any epoch handed out before. Rows it owned under an older epoch
     * (it died or was fenced, and came back) are reclaimed in the same transaction: they never come back to life.
     */
    public Joined join(String nodeId) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            long epoch = d.fetchSingle("insert into cluster_nodes(node_id, epoch, state) values (?, nextval('cluster_epochs'), 'up') "
                    + "on conflict (node_id) do update set epoch = excluded.epoch, state = 'up', joined_at = now(), heartbeat_at = now() "
                    + "returning epoch", nodeId).getValue(0, Long.class);
            Reclaimed stale = reclaim(d, nodeId, epoch - 1);
            return new Joined(epoch, stale);
        });
    }

    /** The node's epoch and what of its earlier incarnations was reclaimed when it joined. */
    public record Joined(long epoch, Reclaimed stale) {}

    /** Stamps the node's heartbeat with the database clock. False: the node was declared dead or rejoined since (fenced). */
    public boolean heartbeat(String nodeId, long epoch) {
        return dsl.execute("update cluster_nodes set heartbeat_at = now() where node_id = ? and epoch = ? and state in ('up', 'draining')",
                nodeId, epoch) == 1;
    }

    /** The node takes no new callers (its SIGTERM drain) but still owns its rows. False if fenced. */
    public boolean drain(String nodeId, long epoch) {
        return dsl.execute("update cluster_nodes set state = 'draining' where node_id = ? and epoch = ? and state = 'up'", nodeId, epoch) == 1;
    }

    /** A clean leave: the node's rows are released at once (no need to wait for the heartbeat timeout). */
    public Reclaimed leave(String nodeId, long epoch) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (d.execute("update cluster_nodes set state = 'left' where node_id = ? and epoch = ? and state in ('up', 'draining')", nodeId, epoch) == 0) {
                return Reclaimed.NONE;
            }
            return reclaim(d, nodeId, epoch);
        });
    }

    /** A node as the cluster sees it; {@code silentFor}: time since its last heartbeat by the database clock. */
    public record Node(String nodeId, long epoch, String state, Duration silentFor) {}

    public List<Node> nodes() {
        return dsl.fetch("select node_id, epoch, state, (extract(epoch from now() - heartbeat_at) * 1000)::bigint as silent_ms "
                        + "from cluster_nodes order by node_id")
                .map(r -> new Node(r.get("node_id", String.class), r.get("epoch", Long.class), r.get("state", String.class),
                        Duration.ofMillis(r.get("silent_ms", Long.class))));
    }

    // ---- queue lines (owner writes, fenced) ---------------------------------------------------------------------

    /** True if the node still holds {@code epoch}; holds a share lock on its row until the transaction ends. */
    private static boolean fence(DSLContext d, String nodeId, long epoch) {
        return d.fetchOptional("select 1 from cluster_nodes where node_id = ? and epoch = ? and state in ('up', 'draining') for share",
                nodeId, epoch).isPresent();
    }

    /**
     * Puts the caller at the end of the queue's line (its place: priority, then the database's clock). False if the
     * node is fenced. A call already waiting somewhere is refused by a unique index (IllegalStateException).
     */
    public boolean enqueue(String nodeId, long epoch, String queue, String callId, int priority) {
        try {
            return dsl.transactionResult(tx -> {
                var d = tx.dsl();
                if (!fence(d, nodeId, epoch)) return false;
                d.execute("insert into cluster_queue_entries(queue, call_id, owner_node, epoch, priority) values (?, ?, ?, ?, ?)",
                        queue, callId, nodeId, epoch, priority);
                notify(d, "enqueued " + queue);
                return true;
            });
        } catch (DataAccessException e) {
            if (!uniqueViolation(e)) throw e;
            throw new IllegalStateException("call=" + callId + " is already waiting in a queue (enqueue to " + queue + " refused)", e);
        }
    }

    /** An offer made by a match: the caller's entry and the agent now reserved for it. */
    public record Match(long entryId, String queue, String callId, String ownerNode, long ownerEpoch, long agentId) {}

    /**
     * Pairs the head of the queue's line with a free agent who is a member of the queue (longest idle first), in one
     * short transaction any node may run: a transaction-scoped advisory lock on the queue, the head entry and the agent
     * taken {@code FOR UPDATE SKIP LOCKED}, both marked offered, an open reservation inserted (its partial unique index
     * refuses a second open offer to one agent), NOTIFY to the owner, commit. Empty: nobody waiting, nobody free, or a
     * concurrent match won the agent (the caller tries again on the next wake-up).
     *
     * @param agingStep a waiting caller gains one priority step per step waited; zero: no aging
     */
    public Optional<Match> match(String queue, Duration agingStep) {
        try {
            return dsl.transactionResult(tx -> {
                var d = tx.dsl();
                lockQueue(d, queue);
                long stepMs = agingStep.toMillis();
                Record head = d.fetchOptional("select e.id, e.call_id, e.owner_node, e.epoch from cluster_queue_entries e "
                        + "join cluster_nodes n on n.node_id = e.owner_node and n.epoch = e.epoch and n.state in ('up', 'draining') "
                        + "where e.queue = ? and e.state = 'waiting' "
                        + "order by e.priority + case when ? > 0 then floor(extract(epoch from now() - e.enqueued_at) * 1000 / ?)::int else 0 end desc, "
                        + "e.enqueued_at, e.id limit 1 for update of e skip locked", queue, stepMs, Math.max(stepMs, 1)).orElse(null);
                if (head == null) return Optional.<Match>empty();
                Record agent = d.fetchOptional("select a.agent_id from cluster_agents a join agent_queues m on m.agent_id = a.agent_id "
                        + "where m.queue = ? and a.state = 'available' "
                        + "and not exists (select 1 from cluster_offers o where o.agent_id = a.agent_id and o.state = 'open') "
                        + "order by a.idle_since, a.agent_id limit 1 for update of a skip locked", queue).orElse(null);
                if (agent == null) return Optional.<Match>empty();
                var m = new Match(head.get("id", Long.class), queue, head.get("call_id", String.class), head.get("owner_node", String.class),
                        head.get("epoch", Long.class), agent.get("agent_id", Long.class));
                d.execute("update cluster_queue_entries set state = 'offered', agent_id = ? where id = ?", m.agentId(), m.entryId());
                d.execute("update cluster_agents set state = 'offered', updated_at = now() where agent_id = ?", m.agentId());
                d.execute("insert into cluster_offers(agent_id, call_id, queue, owner_node, epoch, offered_at) values (?, ?, ?, ?, ?, clock_timestamp())",
                        m.agentId(), m.callId(), queue, m.ownerNode(), m.ownerEpoch());
                notify(d, "offered " + m.ownerNode() + " " + m.callId());
                return Optional.of(m);
            });
        } catch (DataAccessException e) {
            if (!uniqueViolation(e)) throw e;
            return Optional.empty(); // the agent's one open offer exists: the index did its job, nothing was written
        }
    }

    /** Offers this node owns that its callers have not acted on yet: what a wake-up or a resync delivers. */
    public List<Match> pendingOffers(String nodeId, long epoch) {
        return dsl.fetch("select e.id, e.queue, e.call_id, e.owner_node, e.epoch, e.agent_id from cluster_queue_entries e "
                        + "where e.owner_node = ? and e.epoch = ? and e.state = 'offered' order by e.id", nodeId, epoch)
                .map(r -> new Match(r.get("id", Long.class), r.get("queue", String.class), r.get("call_id", String.class),
                        r.get("owner_node", String.class), r.get("epoch", Long.class), r.get("agent_id", Long.class)));
    }

    /** The agent answered: the caller talks, the agent is busy, the reservation stays open until the call ends. False if fenced. */
    public boolean answered(String nodeId, long epoch, String callId, long agentId) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (!fence(d, nodeId, epoch)) return false;
            int n = d.execute("update cluster_queue_entries set state = 'talking' where call_id = ? and owner_node = ? and epoch = ? "
                    + "and state = 'offered' and agent_id = ?", callId, nodeId, epoch, agentId);
            if (n == 0) return false;
            d.execute("update cluster_offers set result = 'answered' where call_id = ? and agent_id = ? and state = 'open'", callId, agentId);
            d.execute("update cluster_agents set state = 'busy', updated_at = now() where agent_id = ?", agentId);
            return true;
        });
    }

    /**
     * The offer failed (no answer, declined, busy): the reservation closes with {@code result}, the agent is free again
     * and the caller goes back to waiting with its place kept. False if fenced or the offer was not open.
     */
    public boolean offerFailed(String nodeId, long epoch, String callId, long agentId, String result) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (!fence(d, nodeId, epoch)) return false;
            // The queue's match lock first: a match runs two statements (head, then agent), each with its own snapshot
            // (READ COMMITTED); a release committing between them would let it skip this caller, back at the head, and
            // give the agent it frees to the caller behind.
            String queue = d.fetchOptional("select queue from cluster_queue_entries where call_id = ? and owner_node = ? and epoch = ? "
                    + "and state = 'offered' and agent_id = ?", callId, nodeId, epoch, agentId).map(r -> r.get(0, String.class)).orElse(null);
            if (queue == null) return false;
            lockQueue(d, queue);
            int n = d.execute("update cluster_queue_entries set state = 'waiting', agent_id = null where call_id = ? and owner_node = ? "
                    + "and epoch = ? and state = 'offered' and agent_id = ?", callId, nodeId, epoch, agentId);
            if (n == 0) return false;
            closeOffers(d, callId, result);
            notify(d, "freed");
            return true;
        });
    }

    /** The caller left the line for good ({@code outcome}: answered-and-done, abandoned, timeout, ...). False if fenced. */
    public boolean left(String nodeId, long epoch, String callId, String outcome) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (!fence(d, nodeId, epoch)) return false;
            int n = d.execute("update cluster_queue_entries set state = 'done', outcome = ?, ended_at = clock_timestamp() where call_id = ? "
                    + "and owner_node = ? and epoch = ? and state in ('waiting', 'offered', 'talking')", outcome, callId, nodeId, epoch);
            if (n == 0) return false;
            closeOffers(d, callId, "caller_gone");
            notify(d, "freed");
            return true;
        });
    }

    /** Closes the call's open reservations (an answered one keeps its result) and frees their agents. */
    private static void closeOffers(DSLContext d, String callId, String result) {
        List<Long> agents = d.fetch("update cluster_offers set state = 'closed', result = coalesce(result, ?), ended_at = clock_timestamp() "
                + "where call_id = ? and state = 'open' returning agent_id", result, callId).getValues(0, Long.class);
        freeAgents(d, agents);
    }

    private static void freeAgents(DSLContext d, List<Long> agentIds) {
        for (long id : agentIds) {
            d.execute("update cluster_agents set state = 'available', idle_since = now(), updated_at = now() "
                    + "where agent_id = ? and state in ('offered', 'busy')", id);
        }
    }

    /** A caller in a line, cluster-wide. */
    public record Waiting(String queue, String callId, String ownerNode, String state, Long agentId, Duration waited) {}

    /** The queue's live line (waiting and offered callers, every node's) in serving order (aging not applied). */
    public List<Waiting> line(String queue) {
        return dsl.fetch("select queue, call_id, owner_node, state, agent_id, (extract(epoch from now() - enqueued_at) * 1000)::bigint as waited_ms "
                        + "from cluster_queue_entries where queue = ? and state in ('waiting', 'offered') order by priority desc, enqueued_at, id", queue)
                .map(r -> new Waiting(r.get("queue", String.class), r.get("call_id", String.class), r.get("owner_node", String.class),
                        r.get("state", String.class), r.get("agent_id", Long.class), Duration.ofMillis(r.get("waited_ms", Long.class))));
    }

    /** The state of the call's latest entry ({@code waiting}, {@code offered}, {@code talking}, {@code done}, {@code gone}), if any. */
    public Optional<String> entryState(String callId) {
        return dsl.fetchOptional("select state from cluster_queue_entries where call_id = ? order by id desc limit 1", callId)
                .map(r -> r.get(0, String.class));
    }

    // ---- agents ---------------------------------------------------------------------------------------------------

    /**
     * Sets the agent's availability: {@code available} (idle from now), {@code busy} or {@code away}. An agent with an
     * open reservation stays reserved: marking them available does not end it.
     */
    public void agentState(long agentId, String state) {
        if (!List.of("available", "busy", "away").contains(state)) throw new IllegalArgumentException("agent state " + state + " (available|busy|away)");
        dsl.execute("insert into cluster_agents(agent_id, state) values (?, ?) on conflict (agent_id) do update set state = excluded.state, "
                + "idle_since = case when excluded.state = 'available' and cluster_agents.state <> 'available' then now() else cluster_agents.idle_since end, "
                + "updated_at = now()", agentId, state);
        if (state.equals("available")) dsl.execute("select pg_notify(?, ?)", CHANNEL, "freed");
    }

    /**
     * {@link #agentState(long, String)} written by a node as one of the cluster's owners: refused (false, nothing
     * written) once the node's epoch is no longer current, so a node declared dead cannot mark an agent available again.
     */
    public boolean agentState(String nodeId, long epoch, long agentId, String state) {
        if (!List.of("available", "busy", "away").contains(state)) throw new IllegalArgumentException("agent state " + state + " (available|busy|away)");
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (!fence(d, nodeId, epoch)) return false;
            d.execute("insert into cluster_agents(agent_id, state) values (?, ?) on conflict (agent_id) do update set state = excluded.state, "
                    + "idle_since = case when excluded.state = 'available' and cluster_agents.state <> 'available' then now() else cluster_agents.idle_since end, "
                    + "updated_at = now()", agentId, state);
            if (state.equals("available")) notify(d, "freed");
            return true;
        });
    }

    // ---- janitor ----------------------------------------------------------------------------------------------------

    /**
     * Takes or renews the lease {@code name} for {@code ttl}: granted if free, expired or already ours. A take bumps the
     * lease epoch, a renewal keeps it. Empty: another holder has it.
     */
    public OptionalLong takeLease(String name, String holder, Duration ttl) {
        return dsl.fetchOptional("update cluster_leases set epoch = case when holder = ? and until > now() then epoch else epoch + 1 end, "
                                + "holder = ?, until = now() + make_interval(secs => ?) where name = ? and (holder = ? or until is null or until <= now()) "
                                + "returning epoch", holder, holder, ttl.toMillis() / 1000.0, name, holder)
                .map(r -> OptionalLong.of(r.get(0, Long.class))).orElse(OptionalLong.empty());
    }

    /** What a reclaim freed: callers whose media was on a dead node, and agents whose reservation it held. */
    public record Reclaimed(List<String> nodes, List<Waiting> callers, List<Long> agents) {
        public static final Reclaimed NONE = new Reclaimed(List.of(), List.of(), List.of());

        Reclaimed plus(Reclaimed o) {
            return new Reclaimed(concat(nodes, o.nodes), concat(callers, o.callers), concat(agents, o.agents));
        }

        private static <T> List<T> concat(List<T> a, List<T> b) {
            List<T> out = new ArrayList<>(a);
            out.addAll(b);
            return List.copyOf(out);
        }

        public boolean isEmpty() { return nodes.isEmpty() && callers.isEmpty() && agents.isEmpty(); }
    }

    /**
     * The janitor's round, fenced by its lease: nodes silent longer than {@code heartbeatTimeout} (database clock) are
     * marked dead and everything they owned is reclaimed: their callers' entries end as {@code gone}/{@code node_lost},
     * their reservations close as {@code reclaimed} and those agents are free again. Empty if the lease is no longer held.
     */
    public Optional<Reclaimed> reclaimDead(String holder, long leaseEpoch, Duration heartbeatTimeout) {
        return dsl.transactionResult(tx -> {
            var d = tx.dsl();
            if (d.fetchOptional("select 1 from cluster_leases where name = 'janitor' and holder = ? and epoch = ? and until > now() for update",
                    holder, leaseEpoch).isEmpty()) {
                return Optional.<Reclaimed>empty();
            }
            var dead = d.fetch("update cluster_nodes set state = 'dead' where state in ('up', 'draining') "
                    + "and heartbeat_at < now() - make_interval(secs => ?) returning node_id, epoch", heartbeatTimeout.toMillis() / 1000.0);
            Reclaimed all = Reclaimed.NONE;
            for (Record r : dead) {
                String node = r.get("node_id", String.class);
                all = all.plus(new Reclaimed(List.of(node), List.of(), List.of())).plus(reclaim(d, node, r.get("epoch", Long.class)));
            }
            return Optional.of(all);
        });
    }

    /** Ends every live row {@code nodeId} owned under an epoch up to {@code maxEpoch}. Runs inside the caller's transaction. */
    private static Reclaimed reclaim(DSLContext d, String nodeId, long maxEpoch) {
        List<Waiting> callers = d.fetch("update cluster_queue_entries set state = 'gone', outcome = 'node_lost', ended_at = clock_timestamp() "
                        + "where owner_node = ? and epoch <= ? and state in ('waiting', 'offered', 'talking') "
                        + "returning queue, call_id, owner_node, state, agent_id, (extract(epoch from now() - enqueued_at) * 1000)::bigint as waited_ms",
                nodeId, maxEpoch).map(r -> new Waiting(r.get("queue", String.class), r.get("call_id", String.class), r.get("owner_node", String.class),
                r.get("state", String.class), r.get("agent_id", Long.class), Duration.ofMillis(r.get("waited_ms", Long.class))));
        List<Long> agents = d.fetch("update cluster_offers set state = 'closed', result = 'reclaimed', ended_at = clock_timestamp() "
                + "where owner_node = ? and epoch <= ? and state = 'open' returning agent_id", nodeId, maxEpoch).getValues(0, Long.class);
        freeAgents(d, agents);
        if (!callers.isEmpty() || !agents.isEmpty()) notify(d, "freed");
        return new Reclaimed(List.of(), callers, agents);
    }

    /** The queue's match lock, held until the transaction ends: matches and releases of one queue take turns. */
    private static void lockQueue(DSLContext d, String queue) {
        d.execute("select pg_advisory_xact_lock(hashtext('foresight.acd.queue'), hashtext(?))", queue);
    }

    private static void notify(DSLContext d, String payload) {
        d.fetch("select pg_notify(?, ?)", CHANNEL, payload);
    }

    private static boolean uniqueViolation(DataAccessException e) { return "23505".equals(e.sqlState()); }

    /** True if {@code e} is a serialization or lock failure a caller may simply retry. */
    public static boolean retryable(DataAccessException e) {
        String state = e.sqlState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
