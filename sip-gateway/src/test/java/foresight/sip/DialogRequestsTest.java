package foresight.sip;

import foresight.call.Call;
import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests inside a call (BYE, CANCEL, INFO, NOTIFY) as DialogRequests handles them, between two gateways on
 * 127.0.0.1 over real UDP, and the typed {@link LegEnd} each side ends up with.
 */
class DialogRequestsTest {
    static final int SERVER_PORT = 41960;
    static final int CLIENT_PORT = 41962;
    // One pair of gateways for the class (starting and stopping a SIP stack takes seconds); each test brings its own
    // server-side flow and waits for its own call, and starts with no leg left from the one before.
    private static Pacer pacer;
    private static RtpEngine rtp;
    private static SipGateway server;
    private static SipGateway client;
    private static volatile CompletableFuture<Call> serverCall;
    private static volatile Consumer<Call> serverFlow;

    @BeforeAll
    static void start() throws Exception {
        pacer = new Pacer();
        rtp = new RtpEngine("127.0.0.1", 41800, 41900, 1);
        server = new SipGateway(config(SERVER_PORT), rtp, pacer, null, call -> {
            serverCall.complete(call);
            serverFlow.accept(call);
        });
        server.start();
        client = new SipGateway(config(CLIENT_PORT), rtp, pacer, null, c -> c.hangUp("unexpected"));
        client.start();
    }

    @BeforeEach
    void freshCall() {
        await("no leg left from the previous test").atMost(Duration.ofSeconds(10)).until(() -> server.activeLegs() == 0 && client.activeLegs() == 0);
        serverCall = new CompletableFuture<>();
        serverFlow = call -> { };
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
        if (rtp != null) rtp.close();
        if (pacer != null) pacer.close();
    }

    private static SipConfig config(int port) {
        return new SipConfig("127.0.0.1", port, 41800, 41900, "test", Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    @Test
    void byeFromTheCallerEndsTheAnsweredLegAsARemoteHangup() throws Exception {
        serverFlow = call -> {
            call.answer();
            call.ringFor(Duration.ofSeconds(10)); // waits for the end
        };
        Call caller = Call.dial(client, pacer, "sip:hotline@127.0.0.1:" + SERVER_PORT, "+15550100", Duration.ofSeconds(5));
        Call callee = serverCall.get(5, TimeUnit.SECONDS);
        caller.hangUp("done");
        await().atMost(Duration.ofSeconds(5)).until(callee::isEnded);
        assertThat(callee.end()).isEqualTo(new LegEnd.RemoteHangup());
        assertThat(caller.end()).isEqualTo(new LegEnd.LocalHangup("done"));
        assertThat(server.activeLegs()).isZero();
    }

    @Test
    void aCallerWhoGivesUpWhileItRingsCancelsAndTheServerLegEndsCancelled() throws Exception {
        serverFlow = call -> call.ringFor(Duration.ofSeconds(10)); // never answers
        var abandon = new CompletableFuture<Void>();
        var dialled = CompletableFuture.supplyAsync(() -> {
            try {
                return client.dial("sip:hotline@127.0.0.1:" + SERVER_PORT, "+15550100", Duration.ofSeconds(10), abandon);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Call callee = serverCall.get(5, TimeUnit.SECONDS);
        abandon.complete(null);
        SipLeg leg = dialled.get(5, TimeUnit.SECONDS);
        assertThat(leg.ended().getNow(null)).isEqualTo(new LegEnd.LocalHangup("abandoned"));
        await().atMost(Duration.ofSeconds(5)).until(callee::isEnded);
        assertThat(callee.end()).as("CANCEL (RFC 3261 §9.2)").isEqualTo(new LegEnd.Cancelled());
    }

    @Test
    void aCallRefusedBeforeItIsAnsweredEndsTheCallersLegWithTheStatus() throws Exception {
        serverFlow = call -> call.hangUp("closed"); // 480 Temporarily Unavailable to an unanswered INVITE
        SipLeg leg = client.dial("sip:hotline@127.0.0.1:" + SERVER_PORT, "+15550100", Duration.ofSeconds(5));
        assertThat(leg.state()).isEqualTo(SipLeg.State.ENDED);
        assertThat(leg.ended().getNow(null)).isEqualTo(new LegEnd.Failed(480));
        assertThat(leg.ended().getNow(null).reason()).isEqualTo("status:480");
    }

    @Test
    void aKeyPressSentBySipInfoReachesTheCall() throws Exception {
        var digit = new CompletableFuture<Character>();
        serverFlow = call -> {
            call.answer();
            digit.complete(call.nextDigit(Duration.ofSeconds(5)));
        };
        Call caller = Call.dial(client, pacer, "sip:hotline@127.0.0.1:" + SERVER_PORT, "+15550100", Duration.ofSeconds(5));
        Call callee = serverCall.get(5, TimeUnit.SECONDS);
        // An INFO that names the call's Call-ID: the gateway finds the leg by it (application/dtmf-relay, Signal=5).
        String reply = send("INFO", callee.sipCallId(), "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
        assertThat(reply).startsWith("SIP/2.0 200");
        assertThat(digit.get(5, TimeUnit.SECONDS)).isEqualTo('5');
        caller.hangUp("done");
    }

    @Test
    void infoAndNotifyOutsideAnyCallAreAnswered481() throws Exception {
        assertThat(send("INFO", "no-such-call@127.0.0.1", "application/dtmf", "5")).startsWith("SIP/2.0 481");
        assertThat(send("NOTIFY", "no-such-call-2@127.0.0.1", null, "")).startsWith("SIP/2.0 481");
    }

    /** Sends one request from a plain UDP socket and returns the first line of the final response. */
    private static String send(String method, String callId, String contentType, String body) throws Exception {
        try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            String request = method + " sip:hotline@127.0.0.1:" + SERVER_PORT + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + "\r\n"
                    + "From: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:hotline@127.0.0.1>;tag=x\r\n"
                    + "Call-ID: " + callId + "\r\nCSeq: 7 " + method + "\r\nMax-Forwards: 70\r\n"
                    + (method.equals("NOTIFY") ? "Event: refer\r\nSubscription-State: terminated\r\n" : "")
                    + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                    + "Content-Length: " + content.length + "\r\n\r\n" + body;
            byte[] out = request.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), SERVER_PORT));
            byte[] in = new byte[4096];
            while (true) {
                var p = new DatagramPacket(in, in.length);
                socket.receive(p);
                String reply = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                String first = reply.substring(0, reply.indexOf("\r\n"));
                if (!first.startsWith("SIP/2.0 1")) return first;
            }
        }
    }
}
