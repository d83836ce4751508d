package foresight.app.digest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hot-issue mining on synthetic transcripts. */
class NewPhrasesTest {
    private static NewPhrases.CallText said(String id, String text) { return new NewPhrases.CallText(id, text); }

    private static final List<NewPhrases.CallText> BEFORE = List.of(
            said("b1", "Hi, my card was declined at the shop"),
            said("b2", "I want to check my account balance please"),
            said("b3", "the card declined again and the account balance looks wrong"));

    @Test
    void phraseSaidInEnoughNewCallsAndNeverBeforeIsNew() {
        var recent = List.of(
                said("r1", "hello, the app shows error code forty two when I log in"),
                said("r2", "um the app shows error code forty two"),
                said("r3", "since Monday the app shows error code forty two, what is that"),
                said("r4", "I want to check my account balance"));
        var found = new NewPhrases(3).find(recent, BEFORE);
        assertThat(found).extracting(NewPhrases.Phrase::text).containsExactly("app shows error code forty two");
        assertThat(found.get(0).calls()).isEqualTo(3);
        assertThat(found.get(0).callIds()).containsExactly("r1", "r2", "r3");
    }

    @Test
    void phraseHeardBeforeIsNotNew() {
        var recent = List.of(said("r1", "account balance is wrong"), said("r2", "account balance again"), said("r3", "my account balance"));
        assertThat(new NewPhrases(3).find(recent, BEFORE)).isEmpty();
    }

    @Test
    void oneCallerRepeatingAPhraseCountsOnce() {
        var recent = List.of(said("r1", "parcel vanished. parcel vanished. parcel vanished. parcel vanished."),
                said("r2", "parcel vanished"));
        assertThat(new NewPhrases(3).find(recent, BEFORE)).isEmpty();
        assertThat(new NewPhrases(2).find(recent, BEFORE)).extracting(NewPhrases.Phrase::text, NewPhrases.Phrase::calls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("parcel vanished", 2));
    }

    @Test
    void stopWordsNeverMakeAPhrase() {
        var recent = List.of(said("r1", "and then it was like that"), said("r2", "and then it was like that"), said("r3", "and then it was like that"));
        assertThat(new NewPhrases(3).find(recent, List.of())).isEmpty();
        assertThat(NewPhrases.grams("and then it was like that")).isEmpty();
    }
}
