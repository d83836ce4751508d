package foresight.app.e2e;

import foresight.app.eval.HistoryDataGenerator;
import foresight.app.eval.PredictEval;
import foresight.app.eval.SimulatedHistory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On every simulated history shape the learned predictor comes within 10 % of the Bayes-optimal top-1 counted on the
 * test calls, and within 5 % in expectation (the true probability of its first choice) — on the
 * noise shape too, where a learner given every feature of ~115 uninformative events per customer scored 0.81–0.86
 * of its oracle before the features were screened (docs/BENCHMARKS.md).
 * An evaluation of the model's quality (the slowest unit test class before: 94 s for two shapes on a loaded 2-core machine), so it runs with the end-to-end tests
 * (Failsafe, {@code scripts/test}) and not in {@code scripts/test --fast}.
 */
class PredictEvalShapesEndToEndTest {
    @TempDir Path dir;

    /** Moved from EvaluationCommandsTest with the evaluations: it trains and tests the predictor on 600 generated customers. */
    @Test
    void learnedPredictorBeatsTheMostFrequentReasonByAWideMarginOnGeneratedHistory() throws Exception {
        HistoryDataGenerator.write(dir, 600, 7, Instant.parse("2026-11-01T00:00:00Z"));
        var r = PredictEval.run(dir, new PrintStream(new ByteArrayOutputStream()));
        assertThat(r.n()).isGreaterThan(300);
        assertThat(r.top1()).as("learned top1").isGreaterThan(r.baselineTop1() + 0.3);
        assertThat(r.top3()).isGreaterThanOrEqualTo(r.top1());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"lifecycle, 150", "bursty, 300", "noise, 600"})
    void learnedTop1IsAtLeastNinetyPercentOfTheBayesOptimal(String shape, int customers) throws Exception {
        SimulatedHistory.write(dir, shape, customers, 3, Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(Files.readAllLines(dir.resolve("oracle.csv")).getFirst()).startsWith("call_id,best,best_probability,p_");
        var out = new ByteArrayOutputStream();
        var r = PredictEval.run(dir, new PrintStream(out, true));
        assertThat(out.toString()).contains("oracle_top1=");
        assertThat(r.oracleTop1()).isBetween(0.2, 1.0);
        assertThat(r.top1()).as(shape + ": model " + r.top1() + " vs oracle " + r.oracleTop1()).isGreaterThanOrEqualTo(0.90 * r.oracleTop1());
        // The same comparison without the sampling noise of a few hundred test calls (±0.03–0.06 of the oracle here):
        // the true probability of the model's first choice. 0.981–0.995 of the oracle when written (docs/BENCHMARKS.md).
        assertThat(r.expectedTop1()).as(shape + ": model's expected top-1 " + r.expectedTop1() + " vs oracle " + r.oracleTop1())
                .isGreaterThanOrEqualTo(0.95 * r.oracleTop1());
        if (r.confirmCoverage() > 0) assertThat(r.confirmPrecision()).as("precision of the asked callers on the test calls").isGreaterThan(0.8);
    }
}
