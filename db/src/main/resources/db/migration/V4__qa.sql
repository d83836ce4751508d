-- QA: where each category of qa-rules.yml was found in a call, the call's score, how much was redacted.
create table qa_hits (
    id        bigserial primary key,
    call_id   varchar(40) not null references calls(id),
    category  varchar(64) not null,
    channel   varchar(16) not null,
    phrase    varchar(200) not null,
    start_ms  bigint not null,
    end_ms    bigint not null
);
create index qa_hits_by_call on qa_hits(call_id);
create index qa_hits_by_category on qa_hits(category);
alter table calls add column qa_score int;
alter table calls add column qa_missing varchar(500);
alter table calls add column redactions int;
