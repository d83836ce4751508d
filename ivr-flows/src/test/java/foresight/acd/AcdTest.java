package foresight.acd;

import foresight.call.AudioClip;
import foresight.call.BridgeOutcome;
import foresight.call.CallControl;
import foresight.call.MediaTap;
import foresight.db.agent.Agent;
import foresight.flows.model.QueueDefinition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;

class AcdTest {
    static final QueueDefinition CARDS = new QueueDefinition("cards", Duration.ofSeconds(5), Duration.ofSeconds(1), null);
    static final Agent DANA = new Agent(1, "dana", "Dana", "x", "r", Set.of("cards"));
    static final Agent ELI = new Agent(2, "eli", "Eli", "x", "r", Set.of("cards"));

    /** Both agents registered; state changes recorded. */
    static final class Directory implements AgentDirectory {
        final List<String> changes = new ArrayList<>();

        @Override
        public List<Agent> members(String queue) { return List.of(DANA, ELI); }

        @Override
        public List<String> contacts(long agentId, Instant now) { return List.of("sip:" + agentId + "@phone"); }

        @Override
        public void stateChanged(long agentId, String state) { changes.add(agentId + ":" + state); }
    }

    /** A caller whose bridge attempts follow a script per contact; records who was rung, in order. */
    static final class ScriptedCall implements CallControl {
        final Map<String, BridgeOutcome> script;
        final List<String> rung = new ArrayList<>();

        ScriptedCall(Map<String, BridgeOutcome> script) { this.script = script; }

        @Override
        public BridgeOutcome bridge(foresight.call.BridgeRequest request) {
            rung.add(request.contactUri());
            BridgeOutcome o = script.get(request.contactUri());
            if (o instanceof BridgeOutcome.Talked || o instanceof BridgeOutcome.Transferred) request.onAnswered().run();
            return o;
        }

        @Override public String id() { return "call-1"; }
        @Override public String sipCallId() { return "sip-1"; }
        @Override public String callerNumber() { return "+1555"; }
        @Override public boolean ringFor(Duration d) { return true; }
        @Override public void answer() { }
        @Override public void play(AudioClip clip) { }
        @Override public PlaybackHandle startPlayback(AudioClip clip) { return new PlaybackHandle() { public void stop() { } public boolean await() { return true; } }; }
        @Override public PlaybackHandle startLoop(AudioClip clip) { return startPlayback(clip); }
        @Override public BlockingQueue<short[]> listen() { return new LinkedBlockingQueue<>(); }
        @Override public void stopListening() { }
        @Override public char nextDigit(Duration wait) { return 0; }
        @Override public void clearDigits() { }
        @Override public void tap(MediaTap tap) { }
        @Override public void hangUp(String reason) { }
        @Override public boolean isEnded() { return false; }
        @Override public foresight.media.rtp.RtpSession.PeerReport callerPeerReport() { return null; }
        @Override public foresight.media.rtp.ReceptionStats.Snapshot callerReception() { return new foresight.media.rtp.ReceptionStats.Snapshot(0, 0, 0); }
    }

    static final BridgeOutcome BUSY = new BridgeOutcome.NotAnswered(486, "status:486");
    static final BridgeOutcome RANG_OUT = new BridgeOutcome.NotAnswered(408, "timeout");
    static final BridgeOutcome TALKED = new BridgeOutcome.Talked("caller", Duration.ofSeconds(30));

    @Test
    void busyAgentIsSkippedAndTheNextOneAnswers() {
        var acd = new Acd(new Directory(), Clock.systemUTC(), Duration.ofMinutes(5));
        var call = new ScriptedCall(Map.of("sip:1@phone", BUSY, "sip:2@phone", TALKED));
        var outcome = acd.serve(call, CARDS, a -> { });
        assertThat(outcome).isEqualTo(new AcdOutcome.Answered(2, "eli", "caller"));
        assertThat(call.rung).containsExactly("sip:1@phone", "sip:2@phone");
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void agentWhosePhoneRingsOutThreeTimesInARowIsSetNotReady() {
        var dir = new Directory();
        var acd = new Acd(dir, Clock.systemUTC(), Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            acd.serve(new ScriptedCall(Map.of("sip:1@phone", RANG_OUT, "sip:2@phone", TALKED)), CARDS, a -> { });
        }
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.NOT_READY);
        assertThat(dir.changes).contains("1:NOT_READY");
        var next = new ScriptedCall(Map.of("sip:1@phone", TALKED, "sip:2@phone", TALKED));
        acd.serve(next, CARDS, a -> { });
        assertThat(next.rung).as("a not-ready agent is not offered calls").containsExactly("sip:2@phone");
    }

    @Test
    void busySignalsDoNotCountAsMissedOffers() {
        var acd = new Acd(new Directory(), Clock.systemUTC(), Duration.ofMinutes(5));
        for (int i = 0; i < 5; i++) acd.serve(new ScriptedCall(Map.of("sip:1@phone", BUSY, "sip:2@phone", TALKED)), CARDS, a -> { });
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void callerWaitsNoLongerThanTheQueuesMaxWait() {
        var acd = new Acd(new Directory(), Clock.systemUTC(), Duration.ofMinutes(5));
        var shortQueue = new QueueDefinition("cards", Duration.ofSeconds(1), Duration.ofSeconds(1), null);
        var outcome = acd.serve(new ScriptedCall(Map.of("sip:1@phone", BUSY, "sip:2@phone", BUSY)), shortQueue, a -> { });
        assertThat(outcome).isEqualTo(new AcdOutcome.TimedOut());
    }

    @Test
    void agentWhoTransfersTheCallerIsFreeAgainAndTheOutcomeNamesTheTarget() {
        var acd = new Acd(new Directory(), Clock.systemUTC(), Duration.ofMinutes(5));
        var call = new ScriptedCall(Map.of("sip:1@phone", new BridgeOutcome.Transferred("cards", Duration.ofSeconds(12))));
        var outcome = acd.serve(call, CARDS, a -> { }, target -> true, null);
        assertThat(outcome).isEqualTo(new AcdOutcome.Transferred(1, "dana", "cards"));
        assertThat(acd.state(1)).isEqualTo(Acd.AgentState.AVAILABLE);
        assertThat(acd.waiting("cards")).as("the caller left this queue").isZero();
    }
}
