package foresight.sip.guard;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedPeersTest {
    @Test
    void cidrBlocksAndSingleAddressesMatchOnlyTheirAddresses() {
        var t = TrustedPeers.of(List.of("10.0.0.0/8", "127.0.0.1/32", "192.168.1.7", "172.16.0.0/12", "2001:db8::/32"));
        assertThat(t.contains("10.200.3.4")).isTrue();
        assertThat(t.contains("11.0.0.1")).isFalse();
        assertThat(t.contains("127.0.0.1")).isTrue();
        assertThat(t.contains("127.0.0.2")).isFalse();
        assertThat(t.contains("192.168.1.7")).isTrue();
        assertThat(t.contains("192.168.1.8")).isFalse();
        assertThat(t.contains("172.31.255.255")).isTrue();
        assertThat(t.contains("172.32.0.0")).isFalse();
        assertThat(t.contains("2001:db8:1::5")).isTrue();
        assertThat(t.contains("2001:db9::5")).isFalse();
        assertThat(t.contains("unknown")).isFalse();
    }

    @Test
    void commaSeparatedEntriesAreSplit() {
        var t = TrustedPeers.of(List.of("10.0.0.0/8,127.0.0.1/32"));
        assertThat(t.contains("10.1.1.1")).isTrue();
        assertThat(t.contains("127.0.0.1")).isTrue();
        assertThat(TrustedPeers.of(List.of()).isEmpty()).isTrue();
    }

    @Test
    void malformedEntriesAreRejectedNamingThem() {
        assertThatThrownBy(() -> TrustedPeers.of(List.of("10.0.0.0/40"))).hasMessageContaining("10.0.0.0/40");
        assertThatThrownBy(() -> TrustedPeers.of(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
        assertThatThrownBy(() -> TrustedPeers.of(List.of("sbc.example.com"))).hasMessageContaining("sbc.example.com");
        assertThatThrownBy(() -> TrustedPeers.of(List.of("300.1.1.1"))).hasMessageContaining("300.1.1.1");
    }
}
