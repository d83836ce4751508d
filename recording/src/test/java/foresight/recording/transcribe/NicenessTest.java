package foresight.recording.transcribe;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Transcription threads ask the kernel for a lower priority; only the asking thread changes. */
class NicenessTest {
    @Test
    void aThreadThatLowersItselfIsReportedAtThatNiceValueAndOthersAreNot() throws Exception {
        int before = Niceness.currentThreadNice().orElseThrow();
        var lowered = new CompletableFuture<int[]>();
        Thread.ofPlatform().start(() -> {
            boolean ok = Niceness.lowerCurrentThread(before + 5);
            lowered.complete(new int[] {ok ? 1 : 0, Niceness.currentThreadNice().orElse(Integer.MIN_VALUE)});
        });
        int[] r = lowered.get(10, TimeUnit.SECONDS);
        assertThat(r[0]).as("renice succeeded").isEqualTo(1);
        assertThat(r[1]).as("the kernel's nice value of the lowered thread").isEqualTo(before + 5);
        assertThat(Niceness.currentThreadNice().orElseThrow()).as("the test's own thread is untouched").isEqualTo(before);
    }
}
