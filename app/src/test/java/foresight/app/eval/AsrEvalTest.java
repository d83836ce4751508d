package foresight.app.eval;

import foresight.app.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** asr-testset and asr-eval end to end: espeak-ng speech, the phone path, both recognisers, the agreed output. */
class AsrEvalTest {
    @TempDir Path dir;

    private static CliRun cli(String... args) { return CliRun.of(args); }

    private Path config() throws Exception {
        Path yml = dir.resolve("foresight.yml");
        Files.writeString(yml, """
                speech:
                  modelDir: ../speech/target/model-unpacked/assets/model-en-us
                  moonshineDir: ../speech/target/onnx-models/moonshine
                  vadModel: ../speech/target/onnx-models/silero-vad/silero_vad.onnx
                """);
        return yml;
    }

    private Path testSet() throws Exception {
        Path csv = dir.resolve("sentences.csv");
        Files.writeString(csv, """
                text,category
                I would like a refund for my order,refund
                I got charged a fee for transferring money,fee
                My money is nowhere to be found,missing
                """);
        Path set = dir.resolve("set");
        CliRun made = cli("asr-testset", "--from", csv.toString(), "--n", "0", "--voices", "en-us", set.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.out()).contains("3 files");
        return set;
    }

    private static String lastLine(String s) { return s.lines().filter(l -> !l.isBlank()).toList().getLast(); }

    @Test
    void moonshineTranscribesThePhonePathWithFewErrorsAndWritesOneRowPerFile() throws Exception {
        Path set = testSet(), rows = dir.resolve("hyp.csv");
        CliRun r = cli("asr-eval", set.toString(), "--out", rows.toString(), "--recogniser", "moonshine", "-c", config().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("open recogniser moonshine");
        String last = lastLine(r.out());
        assertThat(last).matches("wer=0\\.\\d{4} n=3 audio_s=\\d+\\.\\d cpu_s=\\d+\\.\\d");
        assertThat(Double.parseDouble(last.split(" ")[0].substring(4))).as("espeak-ng is a hard voice: the 100-file set measures ~0.2").isLessThan(0.4);
        List<String> lines = Files.readAllLines(rows);
        assertThat(lines).hasSize(4).first().isEqualTo("file,hypothesis");
        assertThat(lines.get(1)).isEqualTo("000-en-us.wav,i would like a refund for my order");
    }

    @Test
    void voskCanBeChosenInsteadOnTheSameSet() throws Exception {
        Path set = testSet();
        CliRun r = cli("asr-eval", set.toString(), "--recogniser", "vosk", "-c", config().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("open recogniser vosk");
        assertThat(lastLine(r.out())).matches("wer=[01]\\.\\d{4} n=3 audio_s=\\d+\\.\\d cpu_s=\\d+\\.\\d");
    }

    @Test
    void aRecordingWithoutItsReferenceTextIsNamedNotAStackTrace() throws Exception {
        Path set = testSet();
        Files.delete(set.resolve("001-en-us.txt"));
        CliRun r = cli("asr-eval", set.toString(), "-c", config().toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no reference text").contains("001-en-us.txt").doesNotContain("Exception");
    }

    @Test
    void numeralsAndSpelledNumbersScoreAlike() {
        assertThat(AsrEval.words("I need the 30 pounds, 1,250 now")).containsExactly("i", "need", "the", "thirty", "pounds", "one", "thousand",
                "two", "hundred", "fifty", "now");
    }

    @Test
    void spokenIntentEvalReadsTheAudioColumnInsteadOfSynthesisingAndReportsWerBesideAccuracy() throws Exception {
        Path set = testSet();
        Path train = dir.resolve("train.csv"), test = set.resolve("test.csv");
        Files.writeString(train, """
                text,category
                I want a refund,refund
                please refund my order,refund
                give me my money back for the order,refund
                why was I charged a fee,fee
                there is a fee on my transfer,fee
                you charged me for transferring money,fee
                my money is missing,missing
                I cannot find my money,missing
                where did my money go,missing
                """);
        Files.writeString(test, """
                text,category,audio
                I would like a refund for my order,refund,000-en-us.wav
                I got charged a fee for transferring money,fee,001-en-us.wav
                My money is nowhere to be found,missing,002-en-us.wav
                """);
        CliRun r = cli("intent-eval", "--train", train.toString(), "--test", test.toString(), "--spoken", "-c", config().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("spoken through audio files -> G.711 -> moonshine");
        assertThat(lastLine(r.out())).matches("accuracy=1\\.0000 macro_f1=1\\.0000 n=3 wer=0\\.\\d{4}");
    }

    @Test
    void spokenTrainingSentencesAreHeardThroughThePhonePathWrittenOutAndLearned() throws Exception {
        Path set = testSet();
        Path train = dir.resolve("train.csv"), test = set.resolve("test.csv"), heard = dir.resolve("heard.csv");
        Files.writeString(train, """
                text,category
                I want a refund,refund
                please refund my order,refund
                give me my money back for the order,refund
                why was I charged a fee,fee
                there is a fee on my transfer,fee
                you charged me for transferring money,fee
                my money is missing,missing
                I cannot find my money,missing
                where did my money go,missing
                """);
        Files.writeString(test, """
                text,category,audio
                I would like a refund for my order,refund,000-en-us.wav
                I got charged a fee for transferring money,fee,001-en-us.wav
                My money is nowhere to be found,missing,002-en-us.wav
                """);
        CliRun r = cli("intent-eval", "--train", train.toString(), "--test", test.toString(), "--spoken", "--spoken-train", "3",
                "--spoken-train-out", heard.toString(), "-c", config().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("spoken training: 3 of .*train.csv's sentences through the phone path in \\d+\\.\\d s, wer=[01]\\.\\d{4}");
        var rows = CsvTable.read(heard, "text", "category");
        // Rows 0, 3 and 6: one sentence of each reason, as FreeTTS said it and the recogniser heard it.
        assertThat(rows).extracting(x -> x.get("category")).containsExactly("refund", "fee", "missing");
        // What was heard, not what was written ("I want a refund" came back as "i want her fun" once): words, no capitals or punctuation.
        assertThat(rows).allSatisfy(x -> assertThat(x.get("text")).matches("[a-z0-9' -]+"));
        assertThat(lastLine(r.out())).matches("accuracy=[01]\\.\\d{4} macro_f1=[01]\\.\\d{4} n=3 wer=0\\.\\d{4}");
    }

    @Test
    void heardTrainingSentencesFromAnEarlierRunAreReusedTheirConfusionsAppliedAndAMismatchIsNamed() throws Exception {
        Path train = dir.resolve("train.csv"), heard = dir.resolve("heard.csv"), test = dir.resolve("test-heard.csv");
        Files.writeString(train, """
                text,category
                I want a refund,refund
                please refund my order,refund
                give me my money back for the order,refund
                why was I charged a fee,fee
                there is a fee on my transfer,fee
                you charged me for transferring money,fee
                my money is missing,missing
                I cannot find my money,missing
                where did my money go,missing
                """);
        // As the recogniser heard rows 0, 3 and 6: "refund" came back as "her fun" three times.
        Files.writeString(heard, """
                text,category
                i want her fun,refund
                why was i charged a fee her fun,fee
                my money is missing her fun,missing
                """);
        Files.writeString(test, """
                text,category,reference
                i want her fun for my order,refund,I want a refund for my order
                i got charged a fee,fee,I got charged a fee
                where is my money,missing,Where is my money
                """);
        CliRun r = cli("intent-eval", "--train", train.toString(), "--test", test.toString(), "--spoken-train-in", heard.toString(),
                "--spoken-noise", "--heard-test", "--spoken-tfidf-weight", "0.5");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("spoken training: 3 heard sentences read from").contains("applied to the other 6 training rows")
                .contains("(9 rows + 3 heard + 6 noised)").contains("(spoken 0.50)");
        assertThat(lastLine(r.out())).matches("accuracy=[01]\\.\\d{4} macro_f1=[01]\\.\\d{4} n=3");

        Files.writeString(heard, """
                text,category
                i want her fun,refund
                why was i charged a fee,refund
                my money is missing,missing
                """);
        CliRun wrong = cli("intent-eval", "--train", train.toString(), "--test", test.toString(), "--spoken-train-in", heard.toString());
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains(heard + ":3: category refund is not that of " + train + "'s row 5 (fee)").doesNotContain("Exception");
    }
}
