package foresight.call;

import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.media.rtp.RtpSession;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Runs one loopback call's media (two RTP sessions, bridged, a prompt, DTMF-free G.711 both laws, a listener and a
 * tap) on the pacer for a moment at start-up. Measured: without it the first real call after a start stalled the
 * pacer for 100–380 ms while its classes loaded and compiled (every other caller heard a gap); with it the first
 * call is like any other. No SIP, no database, nothing recorded.
 */
public final class MediaWarmup {
    private MediaWarmup() {}

    /** Blocks for about {@code duration}. Returns the pacer's worst lateness during the warm-up, in ms. */
    public static double run(RtpEngine engine, Pacer pacer, String host, Duration duration) throws InterruptedException {
        String loop = host == null || host.isBlank() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
        RtpSession a = engine.open();
        RtpSession b = engine.open();
        try {
            a.configure(new InetSocketAddress(loop, b.localPort()), 0, 101);
            b.configure(new InetSocketAddress(loop, a.localPort()), 8, 101);
            short[] tone = new short[1600];
            for (int i = 0; i < tone.length; i++) tone[i] = (short) (3000 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
            var media = new CallMedia("warmup", a, Duration.ofMinutes(1), Duration.ofMinutes(1), reason -> { });
            media.enqueue(AudioClip.of("warmup", tone), true);
            media.listen(new ArrayBlockingQueue<>(8));
            media.tap(new MediaTap() {
                @Override
                public void onFrame(short[] fromCaller, short[] toCaller) { }

                @Override
                public void onClose() { }
            });
            pacer.takeMaxLatenessNanos();
            pacer.add(media);
            Thread.sleep(duration.toMillis() / 2);
            media.stopPlayback();
            media.bridge(b, AudioClip.of("warmup-hold", tone));
            Thread.sleep(duration.toMillis() / 2);
            pacer.remove(media);
            media.close();
            return pacer.takeMaxLatenessNanos() / 1e6;
        } finally {
            a.close();
            b.close();
        }
    }
}
