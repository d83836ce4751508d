package foresight.call;

import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.sip.SipConfig;
import foresight.sip.SipGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two gateways on 127.0.0.1 call each other over real UDP: signalling, audio both ways, RFC 4733 and BYE. */
class LoopbackCallTest {
    private final Pacer pacer = new Pacer();
    private final RtpEngine rtp = new RtpEngine("127.0.0.1", 41000, 41100, 1);
    private SipGateway server;
    private SipGateway client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (server != null) server.close();
        rtp.close();
        pacer.close();
    }

    private static short[] tone(int ms) {
        short[] pcm = new short[8 * ms];
        for (int i = 0; i < pcm.length; i++) pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
        return pcm;
    }

    @Test
    void answeredCallCarriesAudioAndDigitsBothWaysAndEndsOnBye() throws Exception {
        var serverSaw = new CompletableFuture<Character>();
        var heardByServer = new AtomicInteger();
        server = new SipGateway(new SipConfig("127.0.0.1", 45060, 41000, 41100, "test", Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(30)),
                rtp, pacer, null, call -> {
            call.answer();
            var audio = call.listen();
            call.play(AudioClip.of("tone", tone(1000)));
            char digit = call.nextDigit(Duration.ofSeconds(5));
            short[] f;
            while ((f = audio.poll()) != null) for (short s : f) if (Math.abs(s) > 1000) { heardByServer.incrementAndGet(); break; }
            serverSaw.complete(digit); // only once the frames are counted: the test reads the count when this completes
        });
        server.start();
        client = new SipGateway(new SipConfig("127.0.0.1", 45062, 41000, 41100, "test", Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(30)),
                rtp, pacer, null, c -> c.hangUp("unexpected"));
        client.start();

        Call call = Call.dial(client, pacer, "sip:hotline@127.0.0.1:45060", "+15550100", Duration.ofSeconds(5));
        var heard = call.listen();
        call.play(AudioClip.of("tone", tone(600)));
        call.sendDigit('7');
        assertThat(serverSaw.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo('7');

        int loud = 0;
        short[] f;
        while ((f = heard.poll()) != null) for (short s : f) if (Math.abs(s) > 1000) { loud++; break; }
        assertThat(loud).as("frames of the server's tone heard by the client").isGreaterThan(20);
        assertThat(heardByServer.get()).as("frames of the client's tone heard by the server").isGreaterThan(10);

        call.hangUp("done");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.activeLegs() == 0);
        assertThat(call.isEnded()).isTrue();
    }
}
