package foresight.db.call;

import java.time.Instant;

/**
 * One call as search results and the API show it. {@code snippet} is a highlighted transcript excerpt, or null;
 * the media fields describe the caller's RTP (null until the call has ended).
 */
public record CallSummary(String id, String caller, Long customerId, Instant startedAt, Instant endedAt,
                          String flowName, String flowVersion, String predictedReason, Double predictionConfidence,
                          Boolean confirmed, String confirmedReason, String callerSaid, String queue, String agent,
                          String status, String recordingPath, String snippet,
                          Long rtpReceived, Long rtpLost, Double jitterMs, Double mos,
                          Long peerLost, Double peerJitterMs, Double rttMs, Integer qaScore, Integer redactions) {}
