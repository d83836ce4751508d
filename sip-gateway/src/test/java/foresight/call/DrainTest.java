package foresight.call;

import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.sip.SipConfig;
import foresight.sip.SipGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A gateway being drained for a planned stop: new calls and probes get 503, the call in progress goes on to its BYE. Ports 46600-46700. */
class DrainTest {
    private final Pacer pacer = new Pacer();
    private final RtpEngine rtp = new RtpEngine("127.0.0.1", 46600, 46700, 1);
    private SipGateway server;
    private SipGateway client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
        rtp.close();
        pacer.close();
    }

    @Test
    void aDrainingGatewayRefusesNewCallsAndProbesWith503ButKeepsTheCallInProgress() throws Exception {
        var digit = new CompletableFuture<Character>();
        server = new SipGateway(new SipConfig("127.0.0.1", 46610, 46600, 46700, "test", Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(30)),
                rtp, pacer, null, call -> {
            call.answer();
            digit.complete(call.nextDigit(Duration.ofSeconds(10)));
            call.awaitEnd(Duration.ofSeconds(30));
        });
        server.start();
        client = new SipGateway(new SipConfig("127.0.0.1", 46612, 46600, 46700, "test", Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(30)),
                rtp, pacer, null, c -> c.hangUp("unexpected"));
        client.start();

        Call inProgress = Call.dial(client, pacer, "sip:hotline@127.0.0.1:46610", "+15550100", Duration.ofSeconds(5));
        assertThat(options()).as("a probe before the drain").startsWith("SIP/2.0 200");
        server.drain();
        assertThat(server.draining()).isTrue();
        assertThat(options()).as("a proxy's probe sees the node down").startsWith("SIP/2.0 503");
        assertThatThrownBy(() -> Call.dial(client, pacer, "sip:hotline@127.0.0.1:46610", "+15550101", Duration.ofSeconds(5)))
                .as("a new call is refused").hasMessageContaining("503");

        inProgress.sendDigit('5');
        assertThat(digit.get(5, TimeUnit.SECONDS)).as("the call in progress still carries the caller's keys").isEqualTo('5');
        assertThat(inProgress.isEnded()).isFalse();
        inProgress.hangUp("done");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.activeLegs() == 0);
    }

    /** An out-of-dialog OPTIONS to the server over raw UDP; its status line. */
    private static String options() throws Exception {
        try (var socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(3000);
            int port = socket.getLocalPort();
            String branch = "z9hG4bK" + System.nanoTime();
            String msg = "OPTIONS sip:127.0.0.1:46610 SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=" + branch + ";rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p" + port + "\r\nTo: <sip:127.0.0.1:46610>\r\n"
                    + "Call-ID: probe-" + branch + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", 46610)));
            var p = new DatagramPacket(new byte[4096], 4096);
            socket.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        }
    }
}
