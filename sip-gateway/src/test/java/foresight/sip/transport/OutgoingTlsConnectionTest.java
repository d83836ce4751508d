package foresight.sip.transport;

import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.sip.SipConfig;
import foresight.sip.SipGateway;
import foresight.sip.SipLeg;
import foresight.sip.tls.TlsIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server rings a phone's TLS contact (an agent registered over TLS) on a connection it opens itself: the phone,
 * a JDK TLS server socket here, must read the INVITE on the first connection, and the answer it sends back on that
 * connection must reach the dialled leg. Ports 43660-43661 (SIP), 43700-43798 (RTP); the phone's port is ephemeral.
 */
class OutgoingTlsConnectionTest {
    @TempDir Path dir;

    @Test
    void anInviteToATlsContactArrivesOnTheConnectionTheServerOpensAndItsAnswerComesBack() throws Exception {
        var server = TlsIdentity.selfSigned(dir.resolve("server"), "127.0.0.1", Instant.now());
        var phone = TlsIdentity.selfSigned(dir.resolve("phone"), "127.0.0.1", Instant.now());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(phone.keyManagers(), null, null);
        var cfg = new SipConfig("127.0.0.1", 43660, 43700, 43798, "foresight", Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofSeconds(60),
                "127.0.0.1", 43661, server.certFile().toString(), server.keyFile().toString(), SipConfig.SrtpPolicy.MANDATORY);
        try (var listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
             var rtp = new RtpEngine("127.0.0.1", 43700, 43798, 1); var pacer = new Pacer();
             var gw = new SipGateway(cfg, rtp, pacer, null, call -> { })) {
            gw.start();
            listener.setSoTimeout(10_000);
            String target = "sip:1001@127.0.0.1:" + listener.getLocalPort() + ";transport=tls";
            CompletableFuture<SipLeg> dialled = CompletableFuture.supplyAsync(() -> {
                try {
                    return gw.dial(target, "foresight", Duration.ofSeconds(15));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (var conn = (SSLSocket) listener.accept()) {
                conn.setSoTimeout(10_000);
                List<String> head = readHead(conn.getInputStream());
                assertThat(head.get(0)).isEqualTo("INVITE " + target + " SIP/2.0");
                assertThat(head).anyMatch(h -> h.startsWith("Via: SIP/2.0/TLS 127.0.0.1:43661"));
                var busy = new StringBuilder("SIP/2.0 486 Busy Here\r\n");
                for (String h : head) {
                    String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim();
                    if (List.of("Via", "From", "Call-ID", "CSeq").contains(name)) busy.append(h).append("\r\n");
                    if (name.equals("To")) busy.append(h).append(";tag=phone1\r\n");
                }
                busy.append("Content-Length: 0\r\n\r\n");
                conn.getOutputStream().write(busy.toString().getBytes(StandardCharsets.US_ASCII));
                conn.getOutputStream().flush();
                SipLeg leg = dialled.get(10, TimeUnit.SECONDS);
                assertThat(leg.state()).isEqualTo(SipLeg.State.ENDED);
                assertThat(leg.ended().getNow(null)).isEqualTo(new foresight.sip.LegEnd.Busy(486));
            }
        }
    }

    /** The request line and headers, up to the blank line. */
    static List<String> readHead(InputStream in) throws Exception {
        var bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            bytes.write(b);
            String s = bytes.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n")) return new ArrayList<>(List.of(s.strip().split("\r\n")));
        }
        throw new IllegalStateException("connection closed before a whole request arrived: " + bytes.size() + " bytes");
    }
}
