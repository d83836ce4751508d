package foresight.sip.trunk;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class E164Test {
    @Test
    void internationalFormsKeepTheirCountryCode() {
        assertThat(E164.normalise("+44 20 7946 0018", "1")).isEqualTo("+442079460018");
        assertThat(E164.normalise("0044 (20) 7946-0018", "49")).isEqualTo("+442079460018");
        assertThat(E164.normalise("011 44 20 7946 0018", "1")).isEqualTo("+442079460018");
    }

    @Test
    void nationalNumbersGetTheCountryCodeAndLoseTheTrunkPrefix() {
        assertThat(E164.normalise("020 7946 0018", "44")).isEqualTo("+442079460018");
        assertThat(E164.normalise("(555) 010-0199", "1")).isEqualTo("+15550100199");
        assertThat(E164.normalise("1-555-010-0199", "1")).isEqualTo("+15550100199");
        assertThat(E164.normalise("030.1234567", "49")).isEqualTo("+49301234567");
    }

    @Test
    void lettersShortNumbersAndOverlongNumbersAreRefusedNamingTheNumber() {
        assertThatThrownBy(() -> E164.normalise("1-800-FLOWERS", "1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-800-FLOWERS");
        assertThatThrownBy(() -> E164.normalise("112", "49")).hasMessageContaining("'112'").hasMessageContaining("8 to 15");
        assertThatThrownBy(() -> E164.normalise("+1234567890123456", "1")).hasMessageContaining("16 digits");
        assertThatThrownBy(() -> E164.normalise("+0441234567", "1")).hasMessageContaining("no country code starts with 0");
        assertThatThrownBy(() -> E164.normalise(" ", "1")).hasMessageContaining("empty");
        assertThatThrownBy(() -> E164.normalise("5550100199", "01")).hasMessageContaining("country code");
    }
}
