package foresight.acd.cluster;

import java.time.Duration;

/** Cluster timings short enough for tests: heartbeat 100 ms, dead after 800 ms of silence. */
final class ClusterTestConfigs {
    private ClusterTestConfigs() {}

    /** A node that polls only every minute, so that a wake-up seen within seconds came from NOTIFY. */
    static ClusterConfig node(String id) {
        return new ClusterConfig(true, id, Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofMinutes(1));
    }
}
