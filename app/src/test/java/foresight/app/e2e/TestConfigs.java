package foresight.app.e2e;

import foresight.app.config.ForesightConfig;

import java.nio.file.Path;

/** Server configurations for end-to-end tests: 127.0.0.1, given ports, data under a temporary folder. */
final class TestConfigs {
    static final String MODEL = "../speech/target/model-unpacked/assets/model-en-us";

    private TestConfigs() {}

    static ForesightConfig server(int sipPort, int rtpMin, int rtpTimeoutSeconds, Path work, String operatorDir,
                                  int reloadMillis, boolean transcribe, int recognisers) {
        return server(sipPort, rtpMin, rtpMin + 998, rtpTimeoutSeconds, work, operatorDir, reloadMillis, transcribe, recognisers);
    }

    /** As above with the RTP range's top given (tests whose test phone takes ports right above the server's). */
    static ForesightConfig server(int sipPort, int rtpMin, int rtpMax, int rtpTimeoutSeconds, Path work, String operatorDir,
                                  int reloadMillis, boolean transcribe, int recognisers) {
        return server(sipPort, rtpMin, rtpMax, rtpTimeoutSeconds, work, operatorDir, reloadMillis, transcribe, recognisers, "vosk");
    }

    /** As above with the open recogniser named ({@code moonshine}, the product's default, or {@code vosk}). */
    static ForesightConfig server(int sipPort, int rtpMin, int rtpMax, int rtpTimeoutSeconds, Path work, String operatorDir,
                                  int reloadMillis, boolean transcribe, int recognisers, String openRecogniser) {
        var d = ForesightConfig.DEFAULT;
        return new ForesightConfig(
                new ForesightConfig.Sip("127.0.0.1", sipPort, rtpMin, rtpMax, "foresight", 15, rtpTimeoutSeconds, 30, ForesightConfig.Guard.DEFAULT),
                new ForesightConfig.Http("127.0.0.1", 0),
                new ForesightConfig.Database(null, null, null, work.resolve("pg").toString(), 8),
                // The product's voice (festival-slt). Open questions and transcripts with Vosk, not the product's Moonshine:
                // with Moonshine two HotlineEndToEndTest runs on 2026-12-02 failed differently (once the caller's "I want to
                // cancel my account" gave no escalation hit, once a read-out card number came back as "[PHONE] emanate
                // [PHONE]"), while the same audio offline gives the right words; see docs/BENCHMARKS.md. Prompts are stored
                // verbatim, so no check depends on how a recogniser hears the voice. DefaultRecogniserEndToEndTest runs
                // calls on Moonshine.
                new ForesightConfig.Speech(MODEL, recognisers, openRecogniser, "base", "../speech/target/onnx-models/moonshine",
                        "../speech/target/onnx-models/silero-vad/silero_vad.onnx", "festival-slt"),
                new ForesightConfig.Operator(operatorDir, "hotline", reloadMillis),
                new ForesightConfig.Recording(work.resolve("recordings").toString(), false, 0),
                new ForesightConfig.Transcription(transcribe, 200, 3), d.demo(), d.prediction(), d.acd());
    }
}
