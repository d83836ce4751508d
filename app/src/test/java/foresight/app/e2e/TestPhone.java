package foresight.app.e2e;

import foresight.call.AudioClip;
import foresight.call.Call;
import foresight.media.pacing.Pacer;
import foresight.media.rtp.RtpEngine;
import foresight.sip.SipConfig;
import foresight.sip.SipGateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A caller's phone for end-to-end tests: an independent JAIN-SIP user agent with its own RTP engine and clock
 * on 127.0.0.1 that dials the hotline, keeps everything it hears, and speaks or presses keys on demand.
 */
final class TestPhone implements AutoCloseable {
    private final Pacer pacer = new Pacer();
    private final RtpEngine rtp;
    private final SipGateway ua;

    /** Calls to this phone, answered (only when it was started to take calls). */
    final BlockingQueue<Line> incoming = new java.util.concurrent.LinkedBlockingQueue<>();

    TestPhone(int sipPort, int rtpMin) throws Exception { this(sipPort, rtpMin, false); }

    /** With {@code takesCalls} the phone answers every call to it (e.g. a callback) and queues it in {@link #incoming}. */
    TestPhone(int sipPort, int rtpMin, boolean takesCalls) throws Exception { this(sipPort, rtpMin, rtpMin + 200, takesCalls); }

    /** RTP on ports {@code rtpMin}..{@code rtpMax} only (tests confined to a small port range). */
    TestPhone(int sipPort, int rtpMin, int rtpMax, boolean takesCalls) throws Exception {
        rtp = new RtpEngine("127.0.0.1", rtpMin, rtpMax, 1);
        ua = new SipGateway(new SipConfig("127.0.0.1", sipPort, rtpMin, rtpMax, "phone", Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(120)),
                rtp, pacer, null, c -> {
                    if (!takesCalls) {
                        c.hangUp("phone does not take calls");
                        return;
                    }
                    c.answer();
                    incoming.add(new Line(c));
                    c.awaitEnd(Duration.ofMinutes(5));
                });
        ua.start();
    }

    /** An answered call with everything heard collected. */
    final class Line implements AutoCloseable {
        final Call call;
        private final BlockingQueue<short[]> heard;
        final List<short[]> frames = new ArrayList<>(); // test thread only

        Line(Call call) {
            this.call = call;
            this.heard = call.listen();
        }

        /** Takes frames heard so far into {@link #frames}, waiting up to {@code wait} for the next one. */
        private short[] next(Duration wait) throws InterruptedException {
            short[] f = heard.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (f != null) frames.add(f);
            return f;
        }

        /**
         * Waits until at least {@code speech} of voiced audio has been heard and then {@code quiet} of silence:
         * the end of the IVR's question.
         */
        void awaitEndOfPrompt(Duration speech, Duration quiet, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            int voiced = 0, silent = 0;
            while (System.nanoTime() < deadline) {
                short[] f = next(Duration.ofMillis(100));
                if (f == null) continue;
                if (Voices.rms(f, 0, f.length) > 300) { voiced++; silent = 0; } else silent++;
                if (voiced * 20L >= speech.toMillis() && silent * 20L >= quiet.toMillis()) return;
            }
            throw new AssertionError("no end of prompt within " + timeout + " (voiced " + voiced * 20 + " ms)");
        }

        /** Voiced 20 ms frames heard during the next {@code d}. */
        int voicedFramesDuring(Duration d) throws InterruptedException {
            long until = System.nanoTime() + d.toNanos();
            int voiced = 0;
            while (System.nanoTime() < until) {
                short[] f = next(Duration.ofMillis(50));
                if (f != null && Voices.rms(f, 0, f.length) > 300) voiced++;
            }
            return voiced;
        }

        void say(short[] pcm8k) { call.play(AudioClip.of("say", pcm8k)); }

        void press(char digit) { call.sendDigit(digit); }

        @Override
        public void close() { if (!call.isEnded()) call.hangUp("test over"); }
    }

    Line dial(String target, String fromNumber) throws Exception {
        return new Line(Call.dial(ua, pacer, target, fromNumber, Duration.ofSeconds(10)));
    }

    @Override
    public void close() {
        ua.close();
        rtp.close();
        pacer.close();
    }
}
