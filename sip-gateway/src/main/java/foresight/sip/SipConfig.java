package foresight.sip;

import java.time.Duration;

/**
 * Signalling and media settings. {@code host} is the address written into Via, Contact and SDP, so it must be one
 * phones can reach; {@code bindHost} is where the SIP and RTP sockets listen ({@code 0.0.0.0}: every address, so a
 * softphone on this machine reaches the server on 127.0.0.1 while it advertises another address). A call whose caller sends no RTP for
 * {@code rtpTimeout}, or that lasts longer than {@code maxCallDuration}, is hung up: no call stays stuck open.
 */
public record SipConfig(String host, int port, int rtpPortMin, int rtpPortMax, String realm, Duration ringTimeout,
                        Duration maxCallDuration, Duration rtpTimeout, String bindHost) {
    public static final SipConfig DEFAULT = new SipConfig("127.0.0.1", 5060, 20000, 30000, "foresight",
            Duration.ofSeconds(20), Duration.ofHours(4), Duration.ofSeconds(60), "0.0.0.0");

    /** Binds the advertised address only (test peers). */
    public SipConfig(String host, int port, int rtpPortMin, int rtpPortMax, String realm, Duration ringTimeout,
                     Duration maxCallDuration, Duration rtpTimeout) {
        this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeout, maxCallDuration, rtpTimeout, host);
    }

    public SipConfig {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("sip.port out of range: " + port);
        if (rtpPortMin % 2 != 0 || rtpPortMax <= rtpPortMin) throw new IllegalArgumentException("sip.rtpPortMin must be even and below sip.rtpPortMax");
        if (realm == null || realm.isBlank()) throw new IllegalArgumentException("sip.realm must be set");
        if (bindHost == null || bindHost.isBlank()) bindHost = "0.0.0.0";
        if (rtpTimeout.isNegative() || rtpTimeout.isZero()) throw new IllegalArgumentException("sip.rtpTimeoutSeconds must be > 0");
    }
}
