package foresight.sip;

import java.time.Duration;

/**
 * Signalling and media settings. {@code host} is the address written into Via, Contact and SDP, so it must be one
 * phones can reach; {@code bindHost} is where the SIP and RTP sockets listen ({@code 0.0.0.0}: every address, so a
 * softphone on this machine reaches the server on 127.0.0.1 while it advertises another address). With
 * {@code tlsPort} above 0, SIP over TLS listens there too, presenting the PEM certificate {@code tlsCert} and key
 * {@code tlsKey} (both files must exist: the caller resolves defaults such as a self-signed pair). A call whose caller sends no RTP for
 * {@code rtpTimeout}, or that lasts longer than {@code maxCallDuration}, is hung up: no call stays stuck open.
 */
public record SipConfig(String host, int port, int rtpPortMin, int rtpPortMax, String realm, Duration ringTimeout,
                        Duration maxCallDuration, Duration rtpTimeout, String bindHost, int tlsPort, String tlsCert, String tlsKey,
                        SrtpPolicy srtp) {
    public static final SipConfig DEFAULT = new SipConfig("127.0.0.1", 5060, 20000, 30000, "foresight",
            Duration.ofSeconds(20), Duration.ofHours(4), Duration.ofSeconds(60), "0.0.0.0", 0, "", "", SrtpPolicy.OPTIONAL);

    /**
     * SRTP on calls signalled over TLS: {@code OPTIONAL} uses it when the caller offers it (RTP/SAVP with an SDES
     * key), {@code MANDATORY} refuses a plain RTP offer with 488. Calls over UDP/TCP use SRTP whenever offered.
     */
    public enum SrtpPolicy { OPTIONAL, MANDATORY;
        /** From config text ({@code optional}, {@code mandatory}, any case). */
        public static SrtpPolicy of(String s) {
            for (SrtpPolicy p : values()) if (p.name().equalsIgnoreCase(s == null ? "" : s.trim())) return p;
            throw new IllegalArgumentException("sip.srtp must be optional or mandatory, was '" + s + "'");
        }
    }

    /** Optional SRTP. */
    public SipConfig(String host, int port, int rtpPortMin, int rtpPortMax, String realm, Duration ringTimeout,
                     Duration maxCallDuration, Duration rtpTimeout, String bindHost, int tlsPort, String tlsCert, String tlsKey) {
        this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeout, maxCallDuration, rtpTimeout, bindHost, tlsPort, tlsCert, tlsKey, SrtpPolicy.OPTIONAL);
    }

    /** No TLS. */
    public SipConfig(String host, int port, int rtpPortMin, int rtpPortMax, String realm, Duration ringTimeout,
                     Duration maxCallDuration, Duration rtpTimeout, String bindHost) {
        this(host, port, rtpPortMin, rtpPortMax, realm, ringTimeout, maxCallDuration, rtpTimeout, bindHost, 0, "", "", SrtpPolicy.OPTIONAL);
    }

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
        if (srtp == null) srtp = SrtpPolicy.OPTIONAL;
        if (tlsPort < 0 || tlsPort > 65535 || (tlsPort == port && tlsPort != 0)) throw new IllegalArgumentException("sip.tlsPort must be 0 (off) or a port other than sip.port: " + tlsPort);
        if (tlsPort > 0 && (tlsCert == null || tlsCert.isBlank() || tlsKey == null || tlsKey.isBlank())) throw new IllegalArgumentException("sip.tlsPort needs tlsCert and tlsKey");
        if (rtpTimeout.isNegative() || rtpTimeout.isZero()) throw new IllegalArgumentException("sip.rtpTimeoutSeconds must be > 0");
    }
}
