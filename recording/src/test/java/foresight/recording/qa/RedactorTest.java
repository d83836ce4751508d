package foresight.recording.qa;

import foresight.recording.transcribe.TimedWord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {
    /** Words 300 ms apart, each 250 ms long. */
    static List<TimedWord> said(String text) {
        List<TimedWord> out = new ArrayList<>();
        long t = 1000;
        for (String w : text.split(" ")) {
            out.add(new TimedWord(w, t, t + 250));
            t += 300;
        }
        return out;
    }

    static String text(List<TimedWord> words) { return String.join(" ", words.stream().map(TimedWord::word).toList()); }

    @Test
    void aSpokenSixteenDigitCardNumberBecomesOneCardTokenSpanningItsTime() {
        var r = Redactor.redact(said("my card is four one one one one one one one one one one one one one one one thanks"));
        assertThat(text(r.words())).isEqualTo("my card is [CARD] thanks");
        assertThat(r.spans()).containsExactly(new Redactor.Span("[CARD]", 1000 + 3 * 300, 1000 + 18 * 300 + 250));
    }

    @Test
    void aCardNumberAlsoTakesAMisheardLastDigitSaidInTheSameBreath() {
        // Vosk heard "...four five big" for "...four five six".
        var r = Redactor.redact(said("my card number is five one two three four five six seven eight nine one two three four five big"));
        assertThat(text(r.words())).isEqualTo("my card number is [CARD]");
    }

    @Test
    void phoneNumbersShortDigitRunsNumeralsAndEmailsAreLabelledByKind() {
        assertThat(text(Redactor.redact(said("call me on five five five zero one zero zero please")).words())).isEqualTo("call me on [PHONE] please");
        assertThat(text(Redactor.redact(said("the code is one two three four")).words())).isEqualTo("the code is [DIGITS]");
        assertThat(text(Redactor.redact(said("order 4521 arrived")).words())).isEqualTo("order [DIGITS] arrived");
        assertThat(text(Redactor.redact(said("write to john at example dot com today")).words())).isEqualTo("write to [EMAIL] today");
        assertThat(text(Redactor.redact(said("or jane.doe@example.org")).words())).isEqualTo("or [EMAIL]");
    }

    @Test
    void ordinarySpeechWithAFewNumbersIsLeftAlone() {
        String s = "i have two cards and one of them was stolen at three";
        assertThat(text(Redactor.redact(said(s)).words())).isEqualTo(s);
        assertThat(Redactor.redact(said(s)).spans()).isEmpty();
    }

    @Test
    void textWithoutTimingsIsRedactedTheSameWayIncludingNumeralsWrittenWithPunctuation() {
        assertThat(Redactor.redactText("my card number is five one two three four five six seven eight nine one two three four five six"))
                .isEqualTo("my card number is [CARD]");
        assertThat(Redactor.redactText("My card is 4111-1111-1111-1111, thanks.")).isEqualTo("My card is [CARD] thanks");
        assertThat(Redactor.redactText("It's 4111 1111 1111 1111.")).isEqualTo("It's [CARD]");
        assertThat(Redactor.redactText("mail jane.doe@example.org please")).isEqualTo("mail [EMAIL] please");
        assertThat(Redactor.redactText("I want a refund for my order")).isEqualTo("I want a refund for my order");
        assertThat(Redactor.redactText("")).isEmpty();
    }

    @Test
    void aCardNumberARecogniserWroteAsGroupedNumeralsIsRedactedFromTimedWords() {
        // Moonshine writes a read-out card number as one token of hyphenated groups (seen in an end-to-end call).
        var r = Redactor.redact(said("my card number is 512-3456-1891-23456 thanks"));
        assertThat(text(r.words())).isEqualTo("my card number is [CARD] thanks");
        assertThat(r.spans()).singleElement().satisfies(s -> assertThat(s.label()).isEqualTo("[CARD]"));
        assertThat(text(Redactor.redact(said("it is 4111 1111, 1111 1111.")).words())).isEqualTo("it is [CARD]");
        assertThat(text(Redactor.redact(said("order 456? yes")).words())).as("three digits stay").isEqualTo("order 456? yes");
    }

    @Test
    void aCardNumberWithDigitsMisheardAsAWordInTheMiddleIsStillOneCard() {
        // Moonshine, on a card number read out through G.711 (asr-eval, 12 leading silences): "seven eight" came back
        // as "emanate" in 8 of 12, as "emanate high" ("seven eight nine") in 3.
        var r = Redactor.redact(said("my card number is five one two three four five six emanate nine one two three four five six"));
        assertThat(text(r.words())).isEqualTo("my card number is [CARD]");
        assertThat(r.spans()).singleElement().satisfies(s -> assertThat(s.endMs()).isEqualTo(1000 + 18 * 300 + 250));
        assertThat(text(Redactor.redact(said("my card number is five one two three four five six emanate high one two three four five six")).words()))
                .isEqualTo("my card number is [CARD]");
    }

    @Test
    void twoPhoneNumbersOrAPauseBetweenRunsAreNotMadeIntoACard() {
        assertThat(text(Redactor.redact(said("call five five five one two three four and then my order is 456")).words()))
                .isEqualTo("call [PHONE] and then my order is 456");
        // Two numbers said with "or" / "and" between them stay two numbers.
        assertThat(text(Redactor.redact(said("five five five one two three four or five five five one two three four")).words()))
                .isEqualTo("[PHONE] or [PHONE]");
        // Runs whose digits together are more than a card has (19) are not joined.
        assertThat(text(Redactor.redact(said("five five five one two three four five six seven uh five five five one two three four five six seven")).words()))
                .isEqualTo("[PHONE] uh [PHONE]");
        // A real pause between the runs (over 250 ms) ends the number.
        List<TimedWord> paused = new ArrayList<>(said("five one two three four five six"));
        long t = paused.getLast().endMs() + 1000;
        for (String w : "emanate nine one two three four five six".split(" ")) {
            paused.add(new TimedWord(w, t, t + 250));
            t += 300;
        }
        assertThat(text(Redactor.redact(paused).words())).isEqualTo("[PHONE] emanate [PHONE]");
    }

    @Test
    void aMisspeltNumeralStillHasItsDigitsCounted() {
        // Moonshine wrote "512-3456-mn891-23456" for a card number read out (asr-eval, one of 12 offsets).
        assertThat(text(Redactor.redact(said("my card number is 512-3456-mn891-23456")).words())).isEqualTo("my card number is [CARD]");
        assertThat(Redactor.redactText("my card number is 512-3456-mn891-23456.")).isEqualTo("my card number is [CARD]");
        assertThat(text(Redactor.redact(said("on the 4th of may")).words())).isEqualTo("on the 4th of may");
    }
}
