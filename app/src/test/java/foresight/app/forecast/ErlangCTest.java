package foresight.app.forecast;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checked against published Erlang tables and closed forms of the M/M/N queue. */
class ErlangCTest {
    @Test
    void erlangBMatchesThePublishedTable() {
        assertThat(ErlangC.erlangB(1, 1)).isCloseTo(0.5, within(1e-12));
        assertThat(ErlangC.erlangB(10, 10)).as("Erlang B table, 10 E on 10 lines").isCloseTo(0.2146, within(5e-4));
        assertThat(ErlangC.erlangB(5, 10)).as("Erlang B table, 5 E on 10 lines").isCloseTo(0.0184, within(5e-4));
    }

    @Test
    void probabilityOfWaitingMatchesTheClosedFormsAndTheTable() {
        // M/M/2 with A = 1: C = A^2/(2!(1-A/2)) / (1 + A + A^2/(2!(1-A/2))) = 1/3; M/M/3 with A = 2: 4/9.
        assertThat(ErlangC.probabilityOfWaiting(1, 2)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(ErlangC.probabilityOfWaiting(2, 3)).isCloseTo(4.0 / 9, within(1e-12));
        assertThat(ErlangC.probabilityOfWaiting(10, 11)).as("Erlang C table, 10 E with 11 agents").isCloseTo(0.6821, within(5e-4));
        assertThat(ErlangC.probabilityOfWaiting(10, 10)).as("no more agents than erlangs: everyone waits").isEqualTo(1);
    }

    @Test
    void agentsNeededIsTheFewestThatReachTheServiceLevel() {
        // The usual worked example: 100 calls in 30 minutes, 180 s handle time = 10 erlangs, 80 % within 20 s
        // needs 14 agents; with 14, 17.41 % of calls wait (published), so 1 − 0.1741·e^(−(14−10)·20/180) = 88.8 %
        // are answered within 20 s.
        int n = ErlangC.agentsNeeded(100, 1800, 180, 0.8, 20);
        assertThat(n).isEqualTo(14);
        assertThat(ErlangC.serviceLevel(10, n - 1, 180, 20)).isLessThan(0.8);
        assertThat(ErlangC.probabilityOfWaiting(10, 14)).isCloseTo(0.1741, within(5e-4));
        assertThat(ErlangC.serviceLevel(10, 14, 180, 20)).isCloseTo(1 - 0.1741 * Math.exp(-4 * 20 / 180.0), within(5e-4));
        assertThat(ErlangC.agentsNeeded(0, 900, 180, 0.8, 20)).isZero();
    }
}
