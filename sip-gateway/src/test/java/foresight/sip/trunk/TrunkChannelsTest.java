package foresight.sip.trunk;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrunkChannelsTest {
    static final Trunk TWO = new Trunk("carrier", "sip:sbc.example", null, null, null, 2);

    @Test
    void theCallOverMaxChannelsIsRefusedUntilOneEnds() {
        var channels = new TrunkChannels();
        assertThat(channels.tryTake(TWO)).isTrue();
        assertThat(channels.tryTake(TWO)).isTrue();
        assertThat(channels.tryTake(TWO)).as("third call on a 2-channel trunk").isFalse();
        assertThat(channels.inUse("carrier")).isEqualTo(2);
        channels.release("carrier");
        assertThat(channels.tryTake(TWO)).as("after one call ended").isTrue();
    }

    @Test
    void aReloadThatRaisesTheLimitKeepsTheCallsInProgressCounted() {
        var channels = new TrunkChannels();
        channels.tryTake(TWO);
        channels.tryTake(TWO);
        var three = new Trunk("carrier", "sip:sbc.example", null, null, null, 3);
        assertThat(channels.tryTake(three)).isTrue();
        assertThat(channels.tryTake(three)).isFalse();
    }

    @Test
    void manyThreadsTakingAtOnceNeverExceedTheLimit() throws Exception {
        var channels = new TrunkChannels();
        var ten = new Trunk("carrier", "sip:sbc.example", null, null, null, 10);
        AtomicInteger taken = new AtomicInteger();
        Thread[] threads = new Thread[50];
        for (int i = 0; i < threads.length; i++) threads[i] = Thread.ofVirtual().start(() -> { if (channels.tryTake(ten)) taken.incrementAndGet(); });
        for (Thread t : threads) t.join();
        assertThat(taken.get()).isEqualTo(10);
        assertThat(channels.inUse("carrier")).isEqualTo(10);
    }

    @Test
    void releasingAChannelNeverTakenIsABug() {
        assertThatThrownBy(() -> new TrunkChannels().release("carrier")).hasMessageContaining("trunk=carrier");
    }
}
