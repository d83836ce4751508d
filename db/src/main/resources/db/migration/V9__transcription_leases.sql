-- Transcription job leases: a job being worked is held by one worker (locked_by) until lease_until, which the
-- worker renews while it works. A job whose lease ran out is taken again by any worker (a new attempt). Every
-- take bumps lease_epoch; a worker's result is written only if the job still has its worker id and epoch.
alter table transcription_jobs add column locked_by varchar(200);
alter table transcription_jobs add column lease_until timestamp with time zone;
alter table transcription_jobs add column lease_epoch bigint not null default 0;
