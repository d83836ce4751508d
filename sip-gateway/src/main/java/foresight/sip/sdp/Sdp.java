package foresight.sip.sdp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audio part of an SDP offer or answer (RFC 4566), and our side's offer/answer per RFC 3264.
 * Only what a G.711 call needs: connection address, audio port, payload types with rtpmap, direction.
 */
public record Sdp(String connectionAddress, int audioPort, List<Integer> payloadTypes, Map<Integer, String> rtpmap, String direction,
                  String profile, List<String> crypto) {
    public static final int PCMU = 0;
    public static final int PCMA = 8;
    public static final String SAVP = "RTP/SAVP";

    public Sdp {
        payloadTypes = List.copyOf(payloadTypes);
        rtpmap = Map.copyOf(rtpmap);
        crypto = List.copyOf(crypto);
    }

    public Sdp(String connectionAddress, int audioPort, List<Integer> payloadTypes, Map<Integer, String> rtpmap, String direction) {
        this(connectionAddress, audioPort, payloadTypes, rtpmap, direction, "RTP/AVP", List.of());
    }

    /** True if the audio stream is offered as SRTP (RFC 3711 §12: RTP/SAVP). */
    public boolean secure() { return SAVP.equals(profile); }

    /** The first offered SDES key we support (RFC 4568 §5.1.2: the answerer picks one), or null. */
    public SdesCrypto chooseCrypto() {
        for (String c : crypto) {
            SdesCrypto k = SdesCrypto.parse(c);
            if (k != null) return k;
        }
        return null;
    }

    /** Parses an SDP body; throws {@link IllegalArgumentException} naming the missing part. */
    public static Sdp parse(String body) {
        if (body == null || body.isBlank()) throw new IllegalArgumentException("empty SDP");
        String sessionAddr = null, mediaAddr = null, direction = "sendrecv";
        int port = -1;
        List<Integer> pts = new ArrayList<>();
        List<String> crypto = new ArrayList<>();
        String profile = "RTP/AVP";
        Map<Integer, String> rtpmap = new LinkedHashMap<>();
        boolean inAudio = false, seenMedia = false;
        for (String raw : body.split("\r?\n")) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') continue;
            String v = line.substring(2);
            switch (line.charAt(0)) {
                case 'c' -> {
                    String[] f = v.split(" ");
                    if (f.length >= 3) {
                        if (!seenMedia) sessionAddr = f[2].split("/")[0];
                        else if (inAudio) mediaAddr = f[2].split("/")[0];
                    }
                }
                case 'm' -> {
                    seenMedia = true;
                    String[] f = v.split(" ");
                    inAudio = f[0].equals("audio") && port < 0;
                    if (inAudio) {
                        port = Integer.parseInt(f[1].split("/")[0]);
                        if (f.length > 2) profile = f[2];
                        for (int i = 3; i < f.length; i++) pts.add(Integer.parseInt(f[i]));
                    }
                }
                case 'a' -> {
                    if (!inAudio && seenMedia) continue;
                    if (v.startsWith("rtpmap:")) {
                        String[] f = v.substring(7).split(" ", 2);
                        if (f.length == 2) rtpmap.put(Integer.parseInt(f[0]), f[1].trim());
                    } else if (v.startsWith("crypto:") && inAudio) {
                        crypto.add(v.substring(7));
                    } else if (v.equals("sendrecv") || v.equals("sendonly") || v.equals("recvonly") || v.equals("inactive")) {
                        direction = v;
                    }
                }
                default -> { }
            }
        }
        if (port < 0) throw new IllegalArgumentException("SDP has no audio m-line");
        String addr = mediaAddr != null ? mediaAddr : sessionAddr;
        if (addr == null) throw new IllegalArgumentException("SDP has no c-line for audio");
        return new Sdp(addr, port, pts, rtpmap, direction, profile, crypto);
    }

    /** First G.711 type of the offer (the offerer's preference, RFC 3264 §6.1), or -1. */
    public int chooseAudioType() {
        for (int pt : payloadTypes) if (pt == PCMU || pt == PCMA) return pt;
        for (var e : rtpmap.entrySet()) {
            String enc = e.getValue().toUpperCase();
            if (payloadTypes.contains(e.getKey()) && enc.startsWith("PCMU/8000")) return PCMU;
            if (payloadTypes.contains(e.getKey()) && enc.startsWith("PCMA/8000")) return PCMA;
        }
        return -1;
    }

    /** The payload type the peer uses for telephone-event/8000, or -1. */
    public int telephoneEventType() {
        for (var e : rtpmap.entrySet()) if (e.getValue().toLowerCase().startsWith("telephone-event/8000") && payloadTypes.contains(e.getKey())) return e.getKey();
        return -1;
    }

    public InetSocketAddress audioTarget() { return new InetSocketAddress(connectionAddress, audioPort); }

    /** Our answer or offer body. {@code audioTypes} in preference order; telephone-event added when {@code dtmfType >= 0}. */
    public static String build(String host, int port, List<Integer> audioTypes, int dtmfType, long sessionId) {
        return build(host, port, audioTypes, dtmfType, sessionId, "sendrecv");
    }

    /** True when the offer puts us on hold: sendonly/inactive (RFC 3264 §8.4) or the old c=0.0.0.0 form (RFC 2543). */
    public boolean holds() {
        return direction.equals("sendonly") || direction.equals("inactive") || "0.0.0.0".equals(connectionAddress);
    }

    /** The direction our answer must carry for this offer (RFC 3264 §6.1): sendonly ↔ recvonly, inactive ↔ inactive. */
    public String answerDirection() {
        if ("0.0.0.0".equals(connectionAddress)) return "inactive";
        return switch (direction) {
            case "sendonly" -> "recvonly";
            case "recvonly" -> "sendonly";
            case "inactive" -> "inactive";
            default -> "sendrecv";
        };
    }

    public static String build(String host, int port, List<Integer> audioTypes, int dtmfType, long sessionId, String direction) {
        return build(host, port, audioTypes, dtmfType, sessionId, direction, null);
    }

    /** With {@code crypto} not null: an SRTP stream (RTP/SAVP) with that SDES key (RFC 4568). */
    public static String build(String host, int port, List<Integer> audioTypes, int dtmfType, long sessionId, String direction, SdesCrypto crypto) {
        return build(host, port, audioTypes, dtmfType, sessionId, direction, crypto, crypto != null ? SAVP : "RTP/AVP");
    }

    /**
     * With an explicit profile: {@code RTP/AVP} with a crypto key is the best-effort SRTP offer (the peer may answer
     * either way); {@code RTP/SAVP} insists on SRTP.
     */
    public static String build(String host, int port, List<Integer> audioTypes, int dtmfType, long sessionId, String direction, SdesCrypto crypto,
                               String profile) {
        var sb = new StringBuilder();
        sb.append("v=0\r\n");
        sb.append("o=foresight ").append(sessionId).append(' ').append(sessionId).append(" IN IP4 ").append(host).append("\r\n");
        sb.append("s=foresight\r\n");
        sb.append("c=IN IP4 ").append(host).append("\r\n");
        sb.append("t=0 0\r\n");
        sb.append("m=audio ").append(port).append(' ').append(profile);
        for (int pt : audioTypes) sb.append(' ').append(pt);
        if (dtmfType >= 0) sb.append(' ').append(dtmfType);
        sb.append("\r\n");
        for (int pt : audioTypes) sb.append("a=rtpmap:").append(pt).append(pt == PCMU ? " PCMU/8000" : " PCMA/8000").append("\r\n");
        if (dtmfType >= 0) {
            sb.append("a=rtpmap:").append(dtmfType).append(" telephone-event/8000\r\n");
            sb.append("a=fmtp:").append(dtmfType).append(" 0-15\r\n");
        }
        if (crypto != null) sb.append("a=crypto:").append(crypto.attribute()).append("\r\n");
        sb.append("a=ptime:20\r\n");
        sb.append("a=").append(direction).append("\r\n");
        return sb.toString();
    }
}
