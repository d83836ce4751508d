package foresight.flows.run;

import foresight.db.transcript.PlayedPrompt;
import foresight.recording.qa.Redactor;

import java.util.Optional;

/**
 * What the caller heard of a prompt, for the timeline and the transcript: its text redacted like everything stored,
 * and when it was cut short (barge-in, hang-up) only the words that fit in the share of its audio that was played
 * (words are assumed to take time in proportion to their length), ending in "…". Pure; any thread.
 */
final class HeardPrompt {
    static final int FRAME_MS = 20;

    private HeardPrompt() {}

    /**
     * @param startMs      where its first frame is in the recording
     * @param framesPlayed 20 ms frames sent before it ended or was cut
     * @param framesTotal  the clip's length in frames
     * @return empty when too little was played for a single word
     */
    static Optional<PlayedPrompt> of(String text, long startMs, int framesPlayed, int framesTotal) {
        var redacted = Redactor.redactSentence(text.strip());
        boolean cut = framesPlayed < framesTotal;
        String heard = cut ? firstWords(redacted.replaced() ? redacted.text() : text.strip(), (double) framesPlayed / framesTotal)
                : redacted.replaced() ? redacted.text() : text.strip();
        if (heard.isEmpty()) return Optional.empty();
        return Optional.of(new PlayedPrompt(cut ? heard + " …" : heard, startMs, startMs + (long) framesPlayed * FRAME_MS, cut, redacted.replaced()));
    }

    /** The leading words whose end lies within {@code share} of the text's length. */
    static String firstWords(String text, double share) {
        int limit = (int) Math.floor(text.length() * share);
        int end = 0;
        for (int i = 0; i <= text.length(); i++) {
            boolean boundary = i == text.length() || Character.isWhitespace(text.charAt(i));
            if (!boundary) continue;
            if (i > limit) break;
            if (i > 0 && !Character.isWhitespace(text.charAt(i - 1))) end = i;
        }
        return text.substring(0, end).strip();
    }
}
