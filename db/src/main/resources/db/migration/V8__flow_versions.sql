-- Every version of the operator files that went live: its content hash, when, what made it live (start, reload,
-- rollback), the YAML files themselves (so it can be made live again) and the diff against the previous one.
create table flow_versions (
    id       bigserial primary key,
    version  varchar(32) not null,
    live_at  timestamp with time zone not null default now(),
    source   varchar(255) not null,
    files    text not null,
    diff     text not null
);
create index flow_versions_version on flow_versions(version, id);
