-- Contact center: every ACD decision is stored so reports and forecasts come from PostgreSQL.
alter table agent_state_changes add column reason varchar(64);
alter table agent_state_changes add column call_id varchar(64);
create index agent_state_changes_agent_at on agent_state_changes(agent_id, at);

-- One row per time a caller waited in a queue (a transfer or overflow starts a new row).
create table queue_entries (
    id          bigserial primary key,
    call_id     varchar(64) not null,
    queue       varchar(64) not null,
    tier        varchar(32),
    priority    integer not null default 0,
    entered_at  timestamp with time zone not null,
    answered_at timestamp with time zone,
    left_at     timestamp with time zone,
    outcome     varchar(32),
    wait_ms     bigint,
    agent_id    bigint references agents(id),
    callback    boolean not null default false
);
create index queue_entries_call on queue_entries(call_id);
create index queue_entries_queue_entered on queue_entries(queue, entered_at);

-- Every time an agent's phone was rung for a caller, and what came of it.
create table acd_offers (
    id         bigserial primary key,
    call_id    varchar(64) not null,
    queue      varchar(64) not null,
    agent_id   bigint not null references agents(id),
    offered_at timestamp with time zone not null,
    result     varchar(32),
    ended_at   timestamp with time zone
);
create index acd_offers_call on acd_offers(call_id);

-- Callbacks asked for by waiting callers: their attempts and how they ended.
create table callbacks (
    call_id       varchar(64) primary key,
    queue         varchar(64) not null,
    number        varchar(64),
    requested_at  timestamp with time zone not null,
    attempts      integer not null default 0,
    status        varchar(32) not null,
    last_reason   varchar(128),
    updated_at    timestamp with time zone not null
);

-- The agent's wrap-up: what the call was really about (feeds the predictor's labels) and how it ended.
alter table calls add column wrap_disposition varchar(64);
alter table calls add column corrected_reason varchar(64);
alter table calls add column wrap_notes text;
alter table calls add column wrapped_at timestamp with time zone;
