package foresight.acd.cluster;

import java.time.Duration;

/**
 * Whether this node is one of several sharing queues through PostgreSQL, its name, and the timings of membership:
 * a heartbeat every {@code heartbeat}; a node silent for {@code deadAfter} (database clock) is declared dead by the
 * janitor and its callers and reservations are reclaimed; without any notification, lines are looked at again every
 * {@code poll} (the safety net under LISTEN/NOTIFY).
 */
public record ClusterConfig(boolean enabled, String nodeId, Duration heartbeat, Duration deadAfter, Duration poll) {
    public static final ClusterConfig DEFAULT = new ClusterConfig(false, "", Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));

    public ClusterConfig {
        if (nodeId == null) nodeId = "";
        if (nodeId.length() > 64) throw new IllegalArgumentException("cluster.nodeId must be at most 64 characters, was " + nodeId.length());
        if (heartbeat.isNegative() || heartbeat.isZero()) throw new IllegalArgumentException("cluster.heartbeatMillis must be > 0, was " + heartbeat.toMillis());
        if (deadAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("cluster.deadAfterMillis must be at least twice cluster.heartbeatMillis (" + heartbeat.toMillis()
                    + "), was " + deadAfter.toMillis());
        }
        if (poll.isNegative() || poll.isZero()) throw new IllegalArgumentException("cluster.pollMillis must be > 0, was " + poll.toMillis());
        if (enabled && nodeId.isBlank()) throw new IllegalArgumentException("cluster.nodeId is required when cluster.enabled is true");
    }
}
