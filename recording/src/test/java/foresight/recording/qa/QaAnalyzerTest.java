package foresight.recording.qa;

import foresight.recording.transcribe.TimedWord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QaAnalyzerTest {
    static final QaRules RULES = new QaRules(List.of(
            new QaRules.Category("escalation", "caller", List.of(List.of("cancel", "my", "account"), List.of("lawyer")), null, false, -20),
            new QaRules.Category("greeting", "agent", List.of(List.of("thank", "you", "for", "calling")), 30, true, 10)), true);

    static List<TimedWord> at(long startMs, String text) {
        var out = new java.util.ArrayList<TimedWord>();
        long t = startMs;
        for (String w : text.split(" ")) {
            out.add(new TimedWord(w, t, t + 250));
            t += 300;
        }
        return out;
    }

    @Test
    void phrasesAreFoundOnTheirChannelWithTheirTimesAndScored() {
        var r = QaAnalyzer.analyze(RULES, Map.of(
                "agent", at(20_000, "thank you for calling how can i help"),
                "caller", at(24_000, "i want to cancel my account")), 19_000L);
        assertThat(r.hits()).containsExactly(
                new QaHit("greeting", "agent", "thank you for calling", 20_000, 20_000 + 3 * 300 + 250),
                new QaHit("escalation", "caller", "cancel my account", 24_000 + 3 * 300, 24_000 + 5 * 300 + 250));
        assertThat(r.score()).isEqualTo(80); // escalation -20; the greeting was said
        assertThat(r.missingRequired()).isEmpty();
    }

    @Test
    void aGreetingTooLateOrOnTheWrongChannelDoesNotCountAndCostsItsPoints() {
        var late = QaAnalyzer.analyze(RULES, Map.of("agent", at(60_000, "thank you for calling")), 19_000L);
        assertThat(late.hits()).isEmpty();
        assertThat(late.missingRequired()).containsExactly("greeting");
        assertThat(late.score()).isEqualTo(90);
        var callerSaidIt = QaAnalyzer.analyze(RULES, Map.of("caller", at(20_000, "thank you for calling")), 19_000L);
        assertThat(callerSaidIt.missingRequired()).containsExactly("greeting");
    }

    @Test
    void aCallWithoutAnAgentIsNotMarkedDownForAGreetingNobodyCouldSay() {
        var r = QaAnalyzer.analyze(RULES, Map.of("caller", at(1_000, "hello")), null);
        assertThat(r.missingRequired()).isEmpty();
        assertThat(r.score()).isEqualTo(100);
    }

    static final QaRules TIMING = new QaRules(List.of(
            new QaRules.Category("long_silence", "any", List.of(), null, false, -10, 10.0, null),
            new QaRules.Category("overtalk", "any", List.of(), null, false, -10, null, 2.0)), false);

    @Test
    void deadAirAfterTheAgentAnsweredIsAHitWithItsLength() {
        var r = QaAnalyzer.analyze(TIMING, Map.of(
                "agent", at(20_000, "how can i help"),                 // 20.0 – 21.15 s
                "caller", at(33_000, "sorry i was looking for it")), 19_000L); // 12 s later
        assertThat(r.hits()).extracting(QaHit::category, QaHit::phrase, QaHit::startMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("long_silence", "silence 11.9 s", 21_150L));
        assertThat(r.score()).isEqualTo(90);
    }

    @Test
    void bothSidesTalkingAtOnceForLongerThanTheLimitIsOvertalk() {
        var r = QaAnalyzer.analyze(TIMING, Map.of(
                "agent", at(20_000, "let me explain the whole process to you in detail"), // 20.0 – 22.95 s
                "caller", at(20_500, "no no listen to me i want my money back")), 19_000L); // 20.5 – 23.45 s
        assertThat(r.hits()).extracting(QaHit::category).containsExactly("overtalk");
        assertThat(r.hits().getFirst().endMs() - r.hits().getFirst().startMs()).isEqualTo(2_450);
        var brief = QaAnalyzer.analyze(TIMING, Map.of("agent", at(20_000, "yes"), "caller", at(20_100, "right")), 19_000L);
        assertThat(brief.hits()).as("a short 'mm-hm' over the other side is not overtalk").isEmpty();
    }
}
