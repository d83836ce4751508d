-- A QA reviewer's score of a call, with who and when.
create table qa_reviews (
    id        bigserial primary key,
    call_id   varchar(40) not null references calls(id),
    reviewer  varchar(64) not null,
    score     int not null check (score between 0 and 100),
    comment   varchar(2000),
    at        timestamp with time zone not null default now()
);
create index qa_reviews_by_call on qa_reviews(call_id);
