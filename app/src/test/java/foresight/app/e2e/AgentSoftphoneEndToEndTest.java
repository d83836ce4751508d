package foresight.app.e2e;

import foresight.app.Server;
import foresight.db.agent.AgentRepository;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents on real softphones (baresip, registered with digest auth) doing what agents do all day: answer, put the
 * caller on hold, take them back, and blind-transfer them to another team. The caller is a JAIN-SIP phone that
 * keeps everything it hears; all signalling and media is real SIP/RTP over UDP on 127.0.0.1.
 */
class AgentSoftphoneEndToEndTest {
    static final int SIP_PORT = 29060;
    static Path work;
    static Server server;
    static TestPhone phone;
    static BaresipAgent dana; // 1001: refunds, cards, general
    static BaresipAgent eli;  // 1002: cards, general
    static CallRepository calls;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-agents");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        server = new Server(TestConfigs.server(SIP_PORT, 46000, 60, work, operator.toString(), 1000, false, 4)).start();
        calls = new CallRepository(server.database().dsl());
        phone = new TestPhone(29062, 47000);
        // Each agent says one sentence when the call connects and is then silent: anything else the caller hears is ours.
        dana = new BaresipAgent(work.resolve("dana"), "1001", "1001secret", SIP_PORT, 29070, 48000,
                Voices.wav8k("Refunds, this is Dana.", work.resolve("voices"), 300, 160), 29080);
        eli = new BaresipAgent(work.resolve("eli"), "1002", "1002secret", SIP_PORT, 29074, 48200,
                Voices.wav8k("Cards team, Eli speaking.", work.resolve("voices"), 300, 160), 29081);
        var agents = new AgentRepository(server.database().dsl());
        for (String user : new String[]{"1001", "1002"}) {
            long id = agents.findByUsername(user).orElseThrow().id();
            await(user + " registered").atMost(Duration.ofSeconds(20)).until(() -> !agents.contacts(id, Instant.now()).isEmpty());
        }
    }

    @AfterAll
    static void stop() {
        if (dana != null) dana.close();
        if (eli != null) eli.close();
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    static CallSummary awaitCall(String caller, Instant since, java.util.function.Predicate<CallSummary> condition, String what) {
        return await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> calls.search(null, 50).stream().filter(c -> c.caller().equals(caller) && !c.startedAt().isBefore(since))
                        .findFirst().orElse(null), c -> c != null && condition.test(c));
    }

    @Test
    void agentHoldsTheCallerWhoHearsMusicResumesThenBlindTransfersThemToTheCardsTeam() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial("sip:hotline@127.0.0.1:" + SIP_PORT, "+15550100")) {
            line.awaitEndOfPrompt(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(30));
            line.say(Voices.pcm8k("yes", work.resolve("voices")));
            awaitCall("+15550100", since, c -> "1001".equals(c.agent()), "Dana (refunds) answered");
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(4))).as("the caller hears Dana introduce herself").isGreaterThan(20);
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(2))).as("then Dana is silent").isLessThan(10);

            assertThat(dana.command("hold", "")).contains("\"ok\":true");
            line.voicedFramesDuring(Duration.ofMillis(500)); // the re-INVITE round trip
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(3))).as("on hold the caller hears the queue's music").isGreaterThan(100);

            assertThat(dana.command("resume", "")).contains("\"ok\":true");
            line.voicedFramesDuring(Duration.ofMillis(500));
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(2))).as("taken off hold: Dana's (silent) line again, no music").isLessThan(10);

            // Dana presses transfer and dials the cards queue's extension from queues.yml.
            assertThat(dana.command("transfer", "sip:2002@127.0.0.1:" + SIP_PORT)).contains("\"ok\":true");
            CallSummary transferred = awaitCall("+15550100", since, c -> "1002".equals(c.agent()), "Eli (cards) answered the transferred caller");
            assertThat(transferred.queue()).isEqualTo("cards");
            assertThat(transferred.status()).isEqualTo("active");
            assertThat(line.voicedFramesDuring(Duration.ofSeconds(4))).as("the caller hears Eli").isGreaterThan(20);
            line.call.hangUp("caller done");
        }
        CallSummary c = awaitCall("+15550100", since, x -> !"active".equals(x.status()), "call ended");
        assertThat(c.status()).isEqualTo("completed");
        assertThat(calls.eventTypes(c.id())).containsSubsequence("agent_answered", "transferred", "queued", "agent_answered", "ended");
        String danaLog = dana.log();
        assertThat(danaLog).contains("transferring call to sip:2002@");
        assertThat(danaLog.substring(danaLog.indexOf("transferring call"))).as("Dana's own call ended once the transfer was accepted")
                .contains("terminated");
    }
}
