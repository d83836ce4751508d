package foresight.sip;

import java.time.Duration;

/**
 * Signalling and media settings. {@code host} is both the bind address and the address written into
 * Via, Contact and SDP, so it must be one phones can reach.
 */
public record SipConfig(String host, int port, int rtpPortMin, int rtpPortMax, String realm, Duration ringTimeout,
                        Duration maxCallDuration) {
    public static final SipConfig DEFAULT = new SipConfig("127.0.0.1", 5060, 20000, 30000, "foresight",
            Duration.ofSeconds(20), Duration.ofHours(4));

    public SipConfig {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("sip.port out of range: " + port);
        if (rtpPortMin % 2 != 0 || rtpPortMax <= rtpPortMin) throw new IllegalArgumentException("sip.rtpPortMin must be even and below sip.rtpPortMax");
        if (realm == null || realm.isBlank()) throw new IllegalArgumentException("sip.realm must be set");
    }
}
