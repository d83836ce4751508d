package foresight.speech.predict;

/** The most likely reason for a call, how sure we are (0..1), and the sentence to confirm it with. */
public record Prediction(String reasonId, double confidence, String phrase, long eventId) {
    public Prediction {
        if (confidence < 0 || confidence > 1) throw new IllegalArgumentException("confidence=" + confidence);
    }
}
