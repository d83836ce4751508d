-- What the caller's phone reported about Foresight's audio (RTCP receiver report blocks) and the round trip.
alter table calls add column peer_lost bigint;
alter table calls add column peer_jitter_ms double precision;
alter table calls add column rtt_ms double precision;
