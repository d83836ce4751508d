-- Foresight schema v1. Append-only: later changes go in new migrations.
-- Unique keys use varchar: jOOQ's DDLDatabase replays this file in H2, which cannot index text.

create table customers (
    id          bigserial primary key,
    phone       varchar(32) not null unique,
    first_name  varchar(100) not null,
    last_name   varchar(100) not null,
    tier        varchar(32) not null default 'standard',
    created_at  timestamp with time zone not null default now()
);

-- The history: orders, payments, refunds, cards, tickets, each a typed row with jsonb attributes.
create table customer_events (
    id           bigserial primary key,
    customer_id  bigint not null references customers(id),
    occurred_at  timestamp with time zone not null,
    type         varchar(64) not null,
    status       varchar(32) not null default 'open',
    attributes   jsonb not null default '{}'
);
create index customer_events_by_customer on customer_events(customer_id, occurred_at);

create table agents (
    id            bigserial primary key,
    username      varchar(64) not null unique,
    display_name  varchar(100) not null,
    -- RFC 2617 HA1 = MD5(username:realm:password); the password itself is never stored.
    password_ha1  varchar(64) not null,
    realm         varchar(100) not null
);

create table agent_queues (
    agent_id  bigint not null references agents(id),
    queue     varchar(64) not null,
    primary key (agent_id, queue)
);

create table agent_state_changes (
    id        bigserial primary key,
    agent_id  bigint not null references agents(id),
    state     varchar(32) not null,
    at        timestamp with time zone not null default now()
);

create table registrations (
    id          bigserial primary key,
    agent_id    bigint not null references agents(id),
    contact     varchar(512) not null,
    expires_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null default now(),
    unique (agent_id, contact)
);

create table calls (
    id                     varchar(40) primary key,
    sip_call_id            varchar(255) not null,
    caller                 varchar(64) not null,
    customer_id            bigint references customers(id),
    started_at             timestamp with time zone not null,
    answered_at            timestamp with time zone,
    ended_at               timestamp with time zone,
    flow_name              varchar(100),
    flow_version           varchar(64),
    predicted_reason       varchar(64),
    prediction_confidence  double precision,
    prediction_phrase      varchar(500),
    confirmed              boolean,
    confirmed_reason       varchar(64),
    caller_said            varchar(1000),
    queue                  varchar(64),
    agent_id               bigint references agents(id),
    status                 varchar(16) not null default 'active',
    disposition            varchar(64),
    recording_path         varchar(1000)
);
create index calls_by_start on calls(started_at);

create table call_events (
    id       bigserial primary key,
    call_id  varchar(40) not null references calls(id),
    at       timestamp with time zone not null default now(),
    type     varchar(64) not null,
    detail   jsonb not null default '{}'
);
create index call_events_by_call on call_events(call_id, at);

create table recordings (
    call_id      varchar(40) primary key references calls(id),
    path         varchar(1000) not null,
    channels     int not null,
    sample_rate  int not null,
    duration_ms  bigint,
    closed       boolean not null default false
);

create table transcription_jobs (
    id          bigserial primary key,
    call_id     varchar(40) not null references calls(id),
    status      varchar(16) not null default 'queued',
    attempts    int not null default 0,
    last_error  varchar(2000),
    created_at  timestamp with time zone not null default now(),
    updated_at  timestamp with time zone not null default now()
);
create index transcription_jobs_queued on transcription_jobs(status, id);

create table transcript_segments (
    id        bigserial primary key,
    call_id   varchar(40) not null references calls(id),
    channel   varchar(16) not null,
    start_ms  bigint not null,
    end_ms    bigint not null,
    text      varchar(10000) not null
);
create index transcript_segments_by_call on transcript_segments(call_id, start_ms);

create table transcripts (
    call_id     varchar(40) primary key references calls(id),
    full_text   varchar(100000) not null,
    created_at  timestamp with time zone not null default now()
);

/* [jooq ignore start] */
-- H2 (jOOQ DDLDatabase) has no tsvector: full-text columns are queried through plain SQL in TranscriptRepository.
alter table transcripts add column search tsvector;
create index transcripts_search on transcripts using gin(search);
/* [jooq ignore stop] */

create table users (
    id            bigserial primary key,
    username      varchar(64) not null unique,
    role          varchar(32) not null,
    token_sha256  varchar(64) not null unique,
    created_at    timestamp with time zone not null default now()
);

create table audit_log (
    id        bigserial primary key,
    at        timestamp with time zone not null default now(),
    username  varchar(64) not null,
    action    varchar(64) not null,
    target    varchar(255) not null
);
