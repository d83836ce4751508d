package foresight.recording;

import foresight.recording.wav.WavReader;
import foresight.recording.wav.WavWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class WavWriterTest {
    @TempDir Path dir;

    @Test
    void stereoFramesReadBackOnTheirOwnChannels() throws Exception {
        Path p = dir.resolve("a.wav");
        try (var w = new WavWriter(p, 2, 8000)) {
            for (int i = 0; i < 50; i++) {
                short[] l = new short[160], r = new short[160];
                java.util.Arrays.fill(l, (short) 1000);
                java.util.Arrays.fill(r, (short) -2000);
                w.appendStereo(l, r);
            }
        }
        var audio = WavReader.read(p);
        assertThat(audio.sampleRateHz()).isEqualTo(8000);
        assertThat(audio.channels()[0]).hasSize(8000).containsOnly((short) 1000);
        assertThat(audio.channels()[1]).containsOnly((short) -2000);
    }

    @Test
    void fileLeftUnclosedByACrashIsPlayableAfterRepair() throws Exception {
        Path p = dir.resolve("crash.wav");
        var w = new WavWriter(p, 2, 8000);
        for (int i = 0; i < 100; i++) w.appendStereo(new short[160], new short[160]);
        w.flush(); // the process "dies" here: header still says 0 bytes
        assertThat(WavReader.read(p).channels()[0]).isEmpty();
        assertThat(WavWriter.repairHeader(p)).isEqualTo(2000);
        assertThat(WavReader.read(p).channels()[0]).hasSize(16000);
    }
}
