package foresight.recording.transcribe;

import foresight.db.transcript.PlayedPrompt;
import foresight.db.transcript.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundTranscriptTest {
    static final PlayedPrompt GREETING = new PlayedPrompt("Thank you for calling Foresight Bank.", 0, 2400, false, false);
    static final PlayedPrompt CONFIRM = new PlayedPrompt("Are you calling about your refund for order 456? Please say yes or no.", 2400, 7800, false, false);
    static final PlayedPrompt HOLD = new PlayedPrompt("Please hold while we connect you to an agent.", 9000, 11_600, false, false);

    static TimedWord w(String word, long start, long end) { return new TimedWord(word, start, end); }

    @Test
    void withPromptsKnownAndNoAgentTheChannelIsNotDecodedAtAll() {
        assertThat(OutboundTranscript.decodeFromMs(List.of(GREETING, CONFIRM), null)).isEqualTo(-1);
    }

    @Test
    void withAnAgentOnlyTheirSpanIsDecodedFromJustBeforeTheyAnswered() {
        assertThat(OutboundTranscript.decodeFromMs(List.of(GREETING, CONFIRM, HOLD), 14_000L)).isEqualTo(13_000);
        assertThat(OutboundTranscript.decodeFromMs(List.of(GREETING), 300L)).as("never before the recording").isZero();
    }

    @Test
    void withoutPromptsOnTheTimelineTheWholeChannelIsDecodedAsBefore() {
        assertThat(OutboundTranscript.decodeFromMs(List.of(), null)).isZero();
        assertThat(OutboundTranscript.decodeFromMs(List.of(), 14_000L)).isZero();
    }

    @Test
    void eachPromptIsOneIvrSegmentWithItsTextVerbatim() {
        assertThat(OutboundTranscript.segments(List.of(GREETING, CONFIRM))).containsExactly(
                new Segment("ivr", 0, 2400, "Thank you for calling Foresight Bank."),
                new Segment("ivr", 2400, 7800, "Are you calling about your refund for order 456? Please say yes or no."));
    }

    @Test
    void decodedWordsAreTheAgentsExceptThoseInsideAPromptPlayedAfterTheyAnswered() {
        // The agent transferred the caller: a hold prompt plays at 20 s, after the agent answered at 14 s.
        var transfer = new PlayedPrompt("Please hold while we connect you to an agent.", 20_000, 22_600, false, false);
        var decoded = List.of(w("thank", 14_200, 14_400), w("you", 14_400, 14_600), w("please", 20_100, 20_500), w("hold", 20_500, 20_900),
                w("bye", 23_000, 23_300));
        var split = OutboundTranscript.split(decoded, List.of(GREETING, transfer), 14_000L);
        assertThat(split.agent()).extracting(TimedWord::word).containsExactly("thank", "you", "bye");
        assertThat(split.ivr()).as("the IVR's words come from its prompts, not from recognition").isEmpty();
    }

    @Test
    void withoutPromptsDecodedWordsBeforeTheAgentAnsweredAreLabelledIvr() {
        var decoded = List.of(w("thank", 100, 300), w("calling", 400, 800), w("hello", 15_000, 15_400));
        var split = OutboundTranscript.split(decoded, List.of(), 14_000L);
        assertThat(split.ivr()).extracting(TimedWord::word).containsExactly("thank", "calling");
        assertThat(split.agent()).extracting(TimedWord::word).containsExactly("hello");
        assertThat(OutboundTranscript.split(decoded, List.of(), null).agent()).as("no agent, no agent words").isEmpty();
    }

    @Test
    void promptWordsForQaRulesAreLowerCaseWithoutPunctuationAndSpreadOverThePromptInOrder() {
        var words = OutboundTranscript.words(List.of(GREETING));
        assertThat(words).extracting(TimedWord::word).containsExactly("thank", "you", "for", "calling", "foresight", "bank");
        assertThat(words.getFirst().startMs()).isEqualTo(0);
        assertThat(words.getLast().endMs()).isBetween(2300L, 2400L);
        for (int i = 1; i < words.size(); i++) assertThat(words.get(i).startMs()).isGreaterThanOrEqualTo(words.get(i - 1).endMs());
    }

    @Test
    void aRedactedPromptIsToneOutWholeAndAnUnchangedOneNot() {
        var card = new PlayedPrompt("Are you calling about your card ending in [DIGITS]?", 2400, 6000, false, true);
        assertThat(OutboundTranscript.redactedSpans(List.of(GREETING, card))).singleElement()
                .satisfies(s -> assertThat(new long[]{s.startMs(), s.endMs()}).containsExactly(2400, 6000));
    }
}
