package foresight.recording.qa;

import java.util.List;

/**
 * The QA rules of one version of the operator files ({@code qa-rules.yml}): categories of phrases to look for in
 * each call's transcript, and whether to redact personal data. Immutable.
 *
 * @param categories what to look for
 * @param redact     replace card numbers, phone numbers, e-mail addresses and spoken digit runs in the stored
 *                   transcript and in the audio
 * @param reviewSampleRate share of calls with an agent (0–1) drawn at random into the QA review queue
 * @param reviewMinPerAgentPerDay every agent gets at least this many calls a day (UTC) in the review queue: a call
 *                   not drawn at random is still sampled while its agent has fewer than this sampled that day
 */
public record QaRules(List<Category> categories, boolean redact, double reviewSampleRate, int reviewMinPerAgentPerDay) {
    public static final QaRules DEFAULT = new QaRules(List.of(), true, 0, 0);

    public QaRules(List<Category> categories, boolean redact) { this(categories, redact, 0, 0); }

    public QaRules(List<Category> categories, boolean redact, double reviewSampleRate) { this(categories, redact, reviewSampleRate, 0); }

    public QaRules {
        categories = List.copyOf(categories);
    }

    /**
     * One category.
     *
     * @param name          e.g. {@code escalation}, {@code greeting}
     * @param channel       {@code caller}, {@code agent} or {@code any}
     * @param phrases       lower-case word sequences; a hit is the phrase's words in a row in the transcript
     * @param withinSeconds only count hits this many seconds into the agent's part of the call (from the moment
     *                      the agent answered); null = anywhere in the call
     * @param required      the agent must say it: a missing required category counts against the score
     * @param points        added to the call's score (starting at 100) per call for a hit (negative for bad
     *                      things) or, for a required category, subtracted when it is missing
     * @param silenceSeconds instead of phrases: a hit for every stretch of at least this long in the agent's part
     *                      of the call where nobody speaks (dead air)
     * @param overtalkSeconds instead of phrases: a hit for every stretch of at least this long where caller and agent
     *                      speak at once
     */
    public record Category(String name, String channel, List<List<String>> phrases, Integer withinSeconds, boolean required, int points,
                           Double silenceSeconds, Double overtalkSeconds) {
        public Category {
            phrases = List.copyOf(phrases);
        }

        public Category(String name, String channel, List<List<String>> phrases, Integer withinSeconds, boolean required, int points) {
            this(name, channel, phrases, withinSeconds, required, points, null, null);
        }
    }
}
