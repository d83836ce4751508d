package foresight.app.digest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The exact tests behind "rose significantly", checked against values from scipy.stats.binomtest. */
class RateTestTest {
    @Test
    void binomialUpperTailMatchesKnownValue() {
        // binomtest(3, 10, 0.1, alternative='greater').pvalue
        assertThat(RateTest.upperTail(3, 10, 0.1)).isCloseTo(0.0701908264, within(1e-9));
        assertThat(RateTest.upperTail(0, 10, 0.1)).isEqualTo(1.0);
    }

    @Test
    void binomialLowerTailMatchesKnownValue() {
        // binomtest(2, 20, 0.5, alternative='less').pvalue
        assertThat(RateTest.lowerTail(2, 20, 0.5)).isCloseTo(0.00020122528076171875, within(1e-12));
    }

    @Test
    void tenCallsAgainstOneADayForFourWeeksIsSignificant() {
        // 10 today vs 28 in the 28 days before: binomtest(10, 38, 1/29, alternative='greater')
        assertThat(RateTest.risePValue(10, 28, 28)).isCloseTo(4.621946410732575e-07, within(1e-12));
    }

    @Test
    void sameRatioOnATinyCountIsNotSignificant() {
        // 1 today vs 7 in 28 days is also 4x, but chance explains it: binomtest(1, 8, 1/29, alternative='greater')
        assertThat(RateTest.risePValue(1, 7, 28)).isCloseTo(0.24476820113559905, within(1e-12));
        assertThat(RateTest.risePValue(1, 7, 28)).isGreaterThan(DigestBuilder.ALPHA);
    }

    @Test
    void largeCountsStayFiniteAndExact() {
        // a steady 1000 a day: today's 1000 is exactly what is expected, far from significant
        assertThat(RateTest.risePValue(1000, 28_000, 28)).isBetween(0.3, 0.6);
        assertThat(RateTest.risePValue(1300, 28_000, 28)).isLessThan(1e-15);
    }

    @Test
    void impossibleCountsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> RateTest.upperTail(5, 3, 0.5)).hasMessageContaining("k=5 n=3");
        assertThatThrownBy(() -> RateTest.risePValue(1, 1, 0)).hasMessageContaining("baselineDays");
    }
}
