package foresight.sip.trunk;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrunkPlanTest {
    static final Trunk UK = new Trunk("uk", "sip:sbc.uk.example:5060", "acme", "secret", "+442079460000", 2);
    static final Trunk WORLD = new Trunk("world", "sip:10.0.0.5;transport=tcp", null, null, null, 10);
    static final Trunk FREEPHONE = new Trunk("freephone", "sip:[2001:db8::1]:5080", null, null, null, 1);
    static final TrunkPlan PLAN = new TrunkPlan("44", Map.of("uk", UK, "world", WORLD, "freephone", FREEPHONE),
            List.of(new DialRule("+44", "uk"), new DialRule("+44800", "freephone")), "world");

    @Test
    void aNationalNumberIsNormalisedWithTheCountryCodeBeforeTheRulesMatch() throws Exception {
        var route = PLAN.route("020 7946 0018");
        assertThat(route.e164()).isEqualTo("+442079460018");
        assertThat(route.trunk()).isEqualTo(UK);
        assertThat(route.requestUri()).isEqualTo("sip:+442079460018@sbc.uk.example:5060");
    }

    @Test
    void theLongestMatchingPrefixWins() throws Exception {
        assertThat(PLAN.route("0800 123 4567").trunk()).isEqualTo(FREEPHONE);
        assertThat(PLAN.route("+44 800 123 4567").requestUri()).isEqualTo("sip:+448001234567@[2001:db8::1]:5080");
    }

    @Test
    void aNumberNoRuleMatchesGoesToTheDefaultTrunkWithItsTransport() throws Exception {
        var route = PLAN.route("tel:+1 (555) 010-0199");
        assertThat(route.trunk()).isEqualTo(WORLD);
        assertThat(route.requestUri()).isEqualTo("sip:+15550100199@10.0.0.5;transport=tcp");
        assertThat(route.trunk().transport()).isEqualTo("tcp");
    }

    @Test
    void withoutADefaultTrunkAnUnmatchedNumberIsRefusedAsNoRoute() {
        var plan = new TrunkPlan("44", Map.of("uk", UK), List.of(new DialRule("+44", "uk")), null);
        assertThatThrownBy(() -> plan.route("+1 555 010 0199")).isInstanceOfSatisfying(TrunkUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo("no_route")).hasMessageContaining("no dial rule matches").hasMessageContaining("0199")
                .hasMessageNotContaining("5550100199");
        assertThatThrownBy(() -> TrunkPlan.NONE.route("+15550100199")).hasMessageContaining("no trunks are configured");
    }

    @Test
    void somethingThatIsNotANumberIsRefusedAsBadNumber() {
        assertThatThrownBy(() -> PLAN.route("112")).isInstanceOfSatisfying(TrunkUnavailableException.class,
                e -> assertThat(e.reason()).isEqualTo("bad_number")).hasMessageContaining("8 to 15");
    }

    @Test
    void phoneNumbersAreToldApartFromSipUrisAndNames() {
        assertThat(TrunkPlan.isPhoneNumber("+44 20 7946 0018")).isTrue();
        assertThat(TrunkPlan.isPhoneNumber("(555) 010-0199")).isTrue();
        assertThat(TrunkPlan.isPhoneNumber("tel:+15550100199")).isTrue();
        assertThat(TrunkPlan.isPhoneNumber("sip:+15550100199@10.0.0.5")).isFalse();
        assertThat(TrunkPlan.isPhoneNumber("<sip:alice@127.0.0.1:5070>")).isFalse();
        assertThat(TrunkPlan.isPhoneNumber("refunds")).isFalse();
        assertThat(TrunkPlan.isPhoneNumber("---")).isFalse();
    }

    @Test
    void aTrunkRejectsWhatACarrierCouldNotUse() {
        assertThatThrownBy(() -> new Trunk("x", "sip:123@sbc.example", null, null, null, 1)).hasMessageContaining("no user part");
        assertThatThrownBy(() -> new Trunk("x", "sip:sbc.example;transport=sctp", null, null, null, 1)).hasMessageContaining("udp, tcp or tls");
        assertThatThrownBy(() -> new Trunk("x", "sip:sbc.example:70000", null, null, null, 1)).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> new Trunk("x", "sip:sbc.example", "acme", "", null, 1)).hasMessageContaining("needs a password");
        assertThatThrownBy(() -> new Trunk("x", "sip:sbc.example", null, null, null, 0)).hasMessageContaining("maxChannels");
        assertThatThrownBy(() -> new Trunk("x", "sip:sbc.example", null, null, "<sip:x>", 1)).hasMessageContaining("callerId");
        assertThat(UK.toString()).doesNotContain("secret");
    }
}
