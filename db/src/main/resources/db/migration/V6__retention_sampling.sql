-- Retention: when a recording's audio was deleted (the call row and transcript stay).
alter table recordings add column audio_deleted_at timestamp with time zone;
-- Review queue: calls drawn at random (qa-rules.yml review_sample_rate) for a QA reviewer to score.
alter table calls add column sampled_for_review boolean not null default false;
create index calls_sampled on calls(sampled_for_review) where sampled_for_review;
