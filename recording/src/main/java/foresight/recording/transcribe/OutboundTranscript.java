package foresight.recording.transcribe;

import foresight.db.transcript.PlayedPrompt;
import foresight.db.transcript.Segment;
import foresight.recording.qa.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The transcript of what the caller heard (the recording's right channel). What the IVR said is known: each prompt
 * the call's timeline holds becomes an {@code ivr} segment with its text as synthesised, never recognised. Only
 * people are recognised, so the channel is decoded from shortly before the agent answered, and words decoded inside
 * a prompt's span (the IVR speaking again after a transfer) are dropped. A call without prompts on its timeline
 * (recorded before they were kept) is decoded whole, its words labelled {@code ivr} until the agent answered. Pure.
 */
public final class OutboundTranscript {
    /** Decoding starts this long before the agent's answer was logged: the timeline's time is the write's, a little late. */
    static final long AGENT_MARGIN_MS = 1000;

    private OutboundTranscript() {}

    /** Recognised words of the channel, split by who said them. */
    public record Split(List<TimedWord> ivr, List<TimedWord> agent) {}

    /**
     * Where to start decoding the channel, in ms into the recording: -1 when nothing on it needs recognising (the IVR's
     * prompts are known and no agent answered).
     */
    public static long decodeFromMs(List<PlayedPrompt> prompts, Long agentJoinedMs) {
        if (prompts.isEmpty()) return 0;
        if (agentJoinedMs == null) return -1;
        return Math.max(0, agentJoinedMs - AGENT_MARGIN_MS);
    }

    /** Splits the words decoded from {@link #decodeFromMs} on (times in ms into the recording) between IVR and agent. */
    public static Split split(List<TimedWord> decoded, List<PlayedPrompt> prompts, Long agentJoinedMs) {
        List<TimedWord> ivr = new ArrayList<>(), agent = new ArrayList<>();
        for (TimedWord w : decoded) {
            if (prompts.isEmpty()) {
                (agentJoinedMs == null || w.startMs() < agentJoinedMs ? ivr : agent).add(w);
            } else if (!insidePrompt(w, prompts)) {
                agent.add(w);
            }
        }
        return new Split(ivr, agent);
    }

    private static boolean insidePrompt(TimedWord w, List<PlayedPrompt> prompts) {
        long mid = (w.startMs() + w.endMs()) / 2;
        for (PlayedPrompt p : prompts) if (mid >= p.startMs() && mid < p.endMs()) return true;
        return false;
    }

    /** One {@code ivr} segment per prompt, its text as stored (redacted, cut to what was heard). */
    public static List<Segment> segments(List<PlayedPrompt> prompts) {
        return prompts.stream().map(p -> new Segment("ivr", p.startMs(), p.endMs(), p.text())).toList();
    }

    /**
     * The prompts as words for the QA rules: lower case without punctuation, each given a share of its prompt's span in
     * proportion to its length (the synthesiser's own timings are not kept).
     */
    public static List<TimedWord> words(List<PlayedPrompt> prompts) {
        List<TimedWord> out = new ArrayList<>();
        for (PlayedPrompt p : prompts) {
            List<String> tokens = new ArrayList<>();
            for (String raw : p.text().split("\\s+")) {
                String t = raw.replaceAll("^[\\p{Punct}&&[^\\[]]+|[\\p{Punct}&&[^\\]]]+$", "").replace("…", "").toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) tokens.add(t);
            }
            int chars = tokens.stream().mapToInt(String::length).sum();
            long span = p.endMs() - p.startMs(), at = 0;
            for (String t : tokens) {
                long len = chars == 0 ? 0 : span * t.length() / chars;
                out.add(new TimedWord(t, p.startMs() + at, p.startMs() + at + len));
                at += len;
            }
        }
        return out;
    }

    /** Where the audio must be toned out: the whole span of every prompt the redactor changed (its words' times are not known). */
    public static List<Redactor.Span> redactedSpans(List<PlayedPrompt> prompts) {
        return prompts.stream().filter(PlayedPrompt::redacted).map(p -> new Redactor.Span("[PROMPT]", p.startMs(), p.endMs())).toList();
    }
}
