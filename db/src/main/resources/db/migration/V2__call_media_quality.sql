-- What the caller's RTP looked like (RFC 3550 receiver statistics) and an E-model MOS estimate.
alter table calls add column rtp_received bigint;
alter table calls add column rtp_lost bigint;
alter table calls add column jitter_ms double precision;
alter table calls add column mos double precision;
