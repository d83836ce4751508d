package foresight.app.e2e;

import foresight.app.config.ForesightConfig;

import java.nio.file.Path;

/** Server configurations for end-to-end tests: 127.0.0.1, given ports, data under a temporary folder. */
final class TestConfigs {
    static final String MODEL = "../speech/target/model-unpacked/assets/model-en-us";

    private TestConfigs() {}

    static ForesightConfig server(int sipPort, int rtpMin, int rtpTimeoutSeconds, Path work, String operatorDir,
                                  int reloadMillis, boolean transcribe, int recognisers) {
        var d = ForesightConfig.DEFAULT;
        return new ForesightConfig(
                new ForesightConfig.Sip("127.0.0.1", sipPort, rtpMin, rtpMin + 998, "foresight", 15, rtpTimeoutSeconds, 30, ForesightConfig.Guard.DEFAULT),
                new ForesightConfig.Http("127.0.0.1", 0),
                new ForesightConfig.Database(null, null, null, work.resolve("pg").toString(), 8),
                // kevin16 and Vosk until the transcript holds the IVR's prompts verbatim (issue #13 §1): one check reads
                // the order number back from the recogniser's transcript of the confirmation prompt. With festival-slt
                // Vosk hears "four hundred fifty six please" as "four hundred fifty thick please" (2026-12-02), and
                // Moonshine writes "456". Moonshine and festival-slt are the product defaults; their tests are in speech.
                new ForesightConfig.Speech(MODEL, recognisers, "vosk", "base", "../speech/target/onnx-models/moonshine",
                        "../speech/target/onnx-models/silero-vad/silero_vad.onnx", "kevin16"),
                new ForesightConfig.Operator(operatorDir, "hotline", reloadMillis),
                new ForesightConfig.Recording(work.resolve("recordings").toString(), false, 0),
                new ForesightConfig.Transcription(transcribe, 200, 3), d.demo(), d.prediction(), d.acd());
    }
}
