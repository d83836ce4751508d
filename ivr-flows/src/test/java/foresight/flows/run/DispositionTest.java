package foresight.flows.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The codes stored on call rows are the ones the pages, reports and earlier rows use. */
class DispositionTest {

    @Test
    void storedCodesAreTheOnesCallRowsHaveAlwaysHeld() {
        assertThat(Disposition.Ended.CALLER_HUNG_UP.code()).isEqualTo("caller_hung_up");
        assertThat(Disposition.Ended.ABANDONED_RINGING.code()).isEqualTo("abandoned_ringing");
        assertThat(Disposition.Ended.FLOW_HANGUP.code()).isEqualTo("flow_hangup");
        assertThat(Disposition.Ended.FLOW_LOOP.code()).isEqualTo("flow_loop");
        assertThat(Disposition.Ended.ABANDONED_IN_QUEUE.code()).isEqualTo("abandoned_in_queue");
        assertThat(Disposition.Ended.CALLBACK_REQUESTED.code()).isEqualTo("callback_requested");
        assertThat(Disposition.Ended.ERROR.code()).isEqualTo("error");
        assertThat(new Disposition.TalkedToAgent("agent").code()).isEqualTo("talked_to_agent_agent_hung_up");
        assertThat(new Disposition.CallbackLeg("talked_caller_hung_up").code()).isEqualTo("callback_talked_caller_hung_up");
    }

    @Test
    void onlyAnErrorMarksTheCallFailed() {
        for (var d : Disposition.Ended.values()) assertThat(d.status()).isEqualTo(d == Disposition.Ended.ERROR ? "failed" : "completed");
        assertThat(new Disposition.TalkedToAgent("caller").status()).isEqualTo("completed");
        assertThat(new Disposition.CallbackLeg("abandoned").status()).isEqualTo("completed");
    }

    @Test
    void talkedToAgentNeedsWhoHungUp() {
        assertThatThrownBy(() -> new Disposition.TalkedToAgent(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
