package foresight.db.transcript;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sentence the IVR said to the caller, as the call's timeline keeps it (event {@code prompt}): its text as heard
 * (already redacted; only the words played when it was cut short), and where it sits in the recording.
 *
 * @param cut      the caller barged in or hung up before it ended
 * @param redacted the redactor replaced something in it (its audio is toned out with the rest)
 */
public record PlayedPrompt(String text, long startMs, long endMs, boolean cut, boolean redacted) {
    /** The timeline event type these are stored under. */
    public static final String EVENT = "prompt";

    public PlayedPrompt {
        if (text == null) throw new IllegalArgumentException("prompt without text");
        if (startMs < 0 || endMs < startMs) throw new IllegalArgumentException("prompt at " + startMs + ".." + endMs + " ms");
    }

    /** The timeline event's detail. */
    public Map<String, Object> detail() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("text", text);
        d.put("at_ms", startMs);
        d.put("end_ms", endMs);
        d.put("cut", cut);
        d.put("redacted", redacted);
        return d;
    }

    /** Reads a timeline event's detail back; a detail without text or times is refused. */
    public static PlayedPrompt fromDetail(Map<String, Object> d) {
        if (!(d.get("text") instanceof String text) || !(d.get("at_ms") instanceof Number at) || !(d.get("end_ms") instanceof Number end)) {
            throw new IllegalArgumentException("not a prompt event: " + d.keySet());
        }
        return new PlayedPrompt(text, at.longValue(), end.longValue(), Boolean.TRUE.equals(d.get("cut")), Boolean.TRUE.equals(d.get("redacted")));
    }
}
