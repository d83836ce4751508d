package foresight.sip;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LegEndTest {
    @Test
    void busyAndDeclineResponsesAreBusyTheRestAreFailures() {
        assertThat(LegEnd.refused(486)).isEqualTo(new LegEnd.Busy(486));
        assertThat(LegEnd.refused(600)).isEqualTo(new LegEnd.Busy(600));
        assertThat(LegEnd.refused(603)).isEqualTo(new LegEnd.Busy(603));
        assertThat(LegEnd.refused(480)).isEqualTo(new LegEnd.Failed(480));
        assertThat(LegEnd.refused(407)).isEqualTo(new LegEnd.Failed(407));
    }

    @Test
    void reasonsAreTheWordsLogsAndCallRowsAlwaysHad() {
        assertThat(LegEnd.refused(486).reason()).isEqualTo("status:486");
        assertThat(LegEnd.refused(404).reason()).isEqualTo("status:404");
        assertThat(new LegEnd.NoAnswer().reason()).isEqualTo("timeout");
        assertThat(new LegEnd.Cancelled().reason()).isEqualTo("caller_cancelled");
        assertThat(new LegEnd.RemoteHangup().reason()).isEqualTo("remote_bye");
        assertThat(new LegEnd.LocalHangup("shutdown").reason()).isEqualTo("shutdown");
        assertThat(new LegEnd.Error().reason()).isEqualTo("error");
    }

    @Test
    void aLegThatRangOutOrWasEndedLocallyReads408AnErrorReads500() {
        assertThat(new LegEnd.NoAnswer().sipStatus()).isEqualTo(408);
        assertThat(new LegEnd.LocalHangup("abandoned").sipStatus()).isEqualTo(408);
        assertThat(new LegEnd.Error().sipStatus()).isEqualTo(500);
        assertThat(LegEnd.refused(480).sipStatus()).isEqualTo(480);
    }

    @Test
    void impossibleStatusesAreRefused() {
        assertThatThrownBy(() -> new LegEnd.Busy(404)).hasMessageContaining("404");
        assertThatThrownBy(() -> new LegEnd.Failed(200)).hasMessageContaining("200");
        assertThatThrownBy(() -> new LegEnd.LocalHangup(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
