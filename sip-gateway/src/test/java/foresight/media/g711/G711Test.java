package foresight.media.g711;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class G711Test {
    @Test
    void ulawRoundTripStaysWithinQuantisationError() {
        for (int s = -32000; s <= 32000; s += 7) {
            int back = G711.ulawToLinear(G711.linearToUlaw(s));
            assertThat(Math.abs(back - s)).as("sample %d", s).isLessThanOrEqualTo(Math.max(8, Math.abs(s) / 16));
        }
    }

    @Test
    void alawRoundTripStaysWithinQuantisationError() {
        for (int s = -32000; s <= 32000; s += 7) {
            int back = G711.alawToLinear(G711.linearToAlaw(s));
            assertThat(Math.abs(back - s)).as("sample %d", s).isLessThanOrEqualTo(Math.max(16, Math.abs(s) / 16));
        }
    }

    @Test
    void silenceEncodesToTheStandardIdleCodes() {
        assertThat(G711.linearToUlaw(0) & 0xFF).isEqualTo(0xFF);
        assertThat(G711.linearToAlaw(0) & 0xFF).isEqualTo(0xD5);
    }
}
