package foresight.app.cli;

import foresight.app.eval.IntentEval;
import foresight.speech.intent.IntentClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Measures the spoken-intent classifier. */
@Command(name = "intent-eval", description = "Train the intent classifier on a text,category CSV and measure it on another; "
        + "last line 'accuracy=… macro_f1=… n=…' (plus ' wer=…' with --spoken).")
public final class IntentEvalCommand implements Callable<Integer> {
    @Option(names = "--train", required = true)
    Path train;

    @Option(names = "--test", required = true)
    Path test;

    @Option(names = "--spoken", description = "Synthesise each test sentence (or read the WAV named in the test CSV's 'audio' column), pass it through G.711 "
            + "and the configured open recogniser (speech.openRecogniser), classify what was recognised.")
    boolean spoken;

    @Option(names = "--limit", defaultValue = "0", description = "Use only N evenly spaced test rows (0 = all).")
    int limit;

    @Option(names = "--extra-train", description = "Another text,category CSV to train on as well (repeatable), e.g. the recogniser's transcripts of the training sentences.")
    java.util.List<Path> extraTrain = new java.util.ArrayList<>();

    @Option(names = "--tfidf-weight", description = "Weight of the tf-idf model in the ensemble for text (default ${DEFAULT-VALUE}; the rest goes to the embedding model).",
            defaultValue = "" + IntentClassifier.TEXT_TFIDF_WEIGHT)
    double tfidfWeight;

    @Option(names = "--spoken-tfidf-weight", description = "Weight of the tf-idf model for recognised speech (default ${DEFAULT-VALUE}).",
            defaultValue = "" + IntentClassifier.SPOKEN_TFIDF_WEIGHT)
    double spokenTfidfWeight;

    @Option(names = "--tune-weight", description = "Choose the text tf-idf weight on a 90/10 split of the training rows first (never on --test).")
    boolean tuneWeight;

    @Option(names = "--spoken-train", defaultValue = "0", description = "With --spoken: also send N evenly spaced --train sentences through the phone path "
            + "and learn what the recogniser heard (0 = none, -1 = all; default ${DEFAULT-VALUE}).")
    int spokenTrain;

    @Option(names = "--spoken-train-out", description = "Write the heard training sentences to this text,category CSV (reusable with --extra-train).")
    Path spokenTrainOut;

    @Option(names = "--tune-spoken-weight", description = "With --spoken-train: choose the spoken tf-idf weight on every tenth heard training sentence, held out (never on --test).")
    boolean tuneSpokenWeight;

    @Option(names = "--spoken-train-in", description = "Read the heard training sentences from an earlier --spoken-train-out of the same --train file instead of recognising them again.")
    Path spokenTrainIn;

    @Option(names = "--heard-test", description = "The --test texts are recognised speech already (e.g. an earlier run's transcripts): classify them with the spoken tf-idf weight.")
    boolean heardTest;

    @Option(names = "--heard-out", description = "With --spoken: write what the recogniser heard for each test row to this CSV (text,category,reference; usable with --heard-test).")
    Path heardOut;

    @Option(names = "--spoken-noise", description = "With --spoken-train: also learn a copy of every other training row with the recogniser's word confusions "
            + "(learned from the heard sentences) applied.")
    boolean spokenNoise;

    @Option(names = "--tfidf-epochs", defaultValue = "15", description = "SGD passes of the tf-idf model (default ${DEFAULT-VALUE}).")
    int tfidfEpochs;

    @Option(names = "--embedding-epochs", defaultValue = "30", description = "SGD passes of the embedding model (default ${DEFAULT-VALUE}).")
    int embeddingEpochs;

    @Option(names = "--embedding-scale", defaultValue = "8.0", description = "Multiplier of every embedding component before the embedding model (default ${DEFAULT-VALUE}).")
    double embeddingScale;

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        var options = new IntentClassifier.Options(tfidfWeight, tfidfEpochs, embeddingEpochs, embeddingScale);
        var settings = new IntentEval.Settings(extraTrain, options, spokenTfidfWeight, tuneWeight, spokenTrain, spokenTrainOut, tuneSpokenWeight, spokenNoise, spokenTrainIn, heardTest, heardOut);
        try {
            IntentEval.run(train, test, spoken, limit, configOption.load().speech(), settings, System.out);
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("intent-eval: " + e.getMessage()); // the user's file or options: a message, not a stack trace
            return 2;
        }
        return 0;
    }
}
