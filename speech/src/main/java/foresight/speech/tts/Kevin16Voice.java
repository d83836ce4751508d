package foresight.speech.tts;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.VoiceManager;
import com.sun.speech.freetts.audio.NullAudioPlayer;
import foresight.speech.audio.Resampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Text to 8 kHz PCM with FreeTTS's kevin16 voice (16 kHz, big-endian), downsampled for the phone.
 * A FreeTTS voice is not thread-safe, so synthesis is serialised; callers cache results (prompts are
 * synthesised once). Blocks for roughly a tenth of the spoken duration.
 */
public final class Kevin16Voice implements foresight.speech.tts.Voice {
    private static final Logger log = LoggerFactory.getLogger(Kevin16Voice.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Voice voice;
    private final AtomicLong requests = new AtomicLong();

    public Kevin16Voice() {
        // Must be set before the first VoiceManager.getInstance(), or kevin16 is not found.
        System.setProperty("freetts.voices", "com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory");
        voice = VoiceManager.getInstance().getVoice("kevin16");
        if (voice == null) throw new IllegalStateException("FreeTTS voice kevin16 not found on the classpath");
        voice.allocate();
        log.info("event=tts_ready voice=kevin16");
    }

    @Override
    public String name() { return VoiceName.KEVIN16.configName(); }

    @Override
    public long requests() { return requests.get(); }

    @Override
    public short[] synthesize(String text) {
        requests.incrementAndGet();
        lock.lock();
        try {
            var collector = new Collector();
            voice.setAudioPlayer(collector);
            voice.speak(text);
            byte[] be = collector.bytes.toByteArray();
            short[] pcm16k = new short[be.length / 2];
            for (int i = 0; i < pcm16k.length; i++) pcm16k[i] = (short) (((be[2 * i] & 0xFF) << 8) | (be[2 * i + 1] & 0xFF));
            return Resampler.downsample16to8(pcm16k);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() { voice.deallocate(); }

    /** Collects the voice's output instead of playing it. */
    private static final class Collector extends NullAudioPlayer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public boolean write(byte[] audioData) {
            return write(audioData, 0, audioData.length);
        }

        @Override
        public boolean write(byte[] audioData, int offset, int size) {
            bytes.write(audioData, offset, size);
            return true;
        }
    }
}
