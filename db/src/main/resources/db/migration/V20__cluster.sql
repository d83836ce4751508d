-- Cluster state: several Foresight nodes share one PostgreSQL (cluster.enabled). Unused on a single node.
-- Every timestamp that orders or expires something comes from the database's clock (now()), never a node's.

-- One row per node. A node takes a new epoch every time it (re)joins; its heartbeat and every write it makes as an
-- owner name that epoch, so a node that was paused, declared dead and reclaimed cannot write again with the old one.
create sequence cluster_epochs;
create table cluster_nodes (
    node_id      varchar(64) primary key,
    epoch        bigint not null,
    state        varchar(16) not null,                      -- up, draining, left (clean leave), dead (declared by the janitor)
    joined_at    timestamp with time zone not null default now(),
    heartbeat_at timestamp with time zone not null default now()
);

-- Callers waiting in a queue, cluster-wide. (queue_entries, from V7, is the history of waits; this is the live line.)
-- The owner is the node that holds the caller's media; only it writes the row after enqueue, except a matcher
-- (offered) and the janitor (gone). The line is ordered by priority, then enqueued_at from the database clock, then id.
create table cluster_queue_entries (
    id          bigserial primary key,
    queue       varchar(64) not null,
    call_id     varchar(64) not null,
    owner_node  varchar(64) not null,
    epoch       bigint not null,
    priority    integer not null default 0,
    enqueued_at timestamp with time zone not null default now(),
    state       varchar(16) not null default 'waiting',      -- waiting, offered, talking, done, gone
    agent_id    bigint references agents(id),              -- the agent offered (offered, talking)
    outcome     varchar(32),                               -- why it ended: answered, abandoned, node_lost, ...
    ended_at    timestamp with time zone
);

-- An agent's availability as the cluster sees it (written by whichever node the agent acts through).
create table cluster_agents (
    agent_id    bigint primary key references agents(id),
    state       varchar(16) not null,                      -- available, offered, busy, away
    idle_since  timestamp with time zone not null default now(),
    updated_at  timestamp with time zone not null default now()
);

-- Agent reservations: an agent offered to a caller, by the node that owns the caller. 'open' while the phone rings
-- or the call lasts; then answered/declined/released/reclaimed. The partial unique index below is what makes two
-- offers to one agent at the same time impossible, whatever the nodes do.
create table cluster_offers (
    id          bigserial primary key,
    agent_id    bigint not null references agents(id),
    call_id     varchar(64) not null,
    queue       varchar(64) not null,
    owner_node  varchar(64) not null,
    epoch       bigint not null,
    state       varchar(16) not null default 'open',       -- open, closed
    result      varchar(32),                               -- answered, declined, no_answer, caller_gone, reclaimed
    offered_at  timestamp with time zone not null default now(),
    ended_at    timestamp with time zone
);

-- Leases any node may take; one row per job that must run on one node at a time. holder + epoch fence the holder.
create table cluster_leases (
    name   varchar(64) primary key,
    holder varchar(64),
    epoch  bigint not null default 0,
    until  timestamp with time zone
);
insert into cluster_leases(name) values ('janitor');

create unique index cluster_offers_one_open_per_agent on cluster_offers(agent_id) where state = 'open';
create unique index cluster_queue_entries_one_live_per_call on cluster_queue_entries(call_id) where state in ('waiting', 'offered', 'talking');
create index cluster_queue_entries_line on cluster_queue_entries(queue, priority desc, enqueued_at, id) where state = 'waiting';
create index cluster_queue_entries_owner on cluster_queue_entries(owner_node, epoch) where state in ('waiting', 'offered', 'talking');
