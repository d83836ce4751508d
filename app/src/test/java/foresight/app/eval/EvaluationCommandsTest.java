package foresight.app.eval;

import foresight.app.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation commands of issue #4 on generated history (the model evaluations, the BANKING77 accuracy floor and the learned predictor's margin over the baseline, run with
 * the end-to-end tests: Banking77AccuracyEndToEndTest, PredictEvalShapesEndToEndTest). */
class EvaluationCommandsTest {
    @TempDir Path dir;

    /** Runs the CLI in-process and returns what it printed. */
    private static String cli(String... args) {
        var out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(new CommandLine(new Main()).execute(args)).as("exit code of " + String.join(" ", args)).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    private static String lastLine(String s) {
        List<String> lines = s.lines().filter(l -> !l.isBlank()).toList();
        return lines.getLast();
    }

    @Test
    void predictEvalPrintsTheAgreedLastLine() throws Exception {
        String out = cli("demo-data", "--out", dir.toString(), "--customers", "300");
        assertThat(out).contains("customers");
        for (String f : List.of("customers.csv", "events.csv", "calls.csv")) assertThat(dir.resolve(f)).exists();
        assertThat(Files.readAllLines(dir.resolve("events.csv")).getFirst()).isEqualTo("event_id,customer_id,occurred_at,type,attributes");
        assertThat(lastLine(cli("predict-eval", dir.toString()))).matches("top1=0\\.\\d{4} top3=[01]\\.\\d{4} n=\\d+ p99_ms=\\d+\\.\\d{3} confirm_precision=([01]\\.\\d{4}|nan) confirm_coverage=[01]\\.\\d{4}");
    }

    @Test
    void predictionUsesNoLookAheadAndWorksWithUnknownEventTypesAndReasons() throws Exception {
        // Two event types the demo never uses; each causes its own reason one hour later. Calls about "z" come
        // after "y" events only, so a model that looked ahead or keyed on the demo's names could not score.
        StringBuilder customers = new StringBuilder("customer_id,phone,tier,created_at\n");
        StringBuilder events = new StringBuilder("event_id,customer_id,occurred_at,type,attributes\n");
        StringBuilder calls = new StringBuilder("call_id,customer_id,started_at,reason\n");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 400; i++) {
            customers.append(i).append(",+1").append(i).append(",standard,2025-01-01T00:00:00Z\n");
            String type = i % 2 == 0 ? "meter_broken" : "bill_disputed";
            Instant at = t.plusSeconds(3600L * i);
            events.append(i).append(',').append(i).append(',').append(at).append(',').append(type).append(",\"{\"\"status\"\":\"\"open\"\"}\"\n");
            calls.append(i).append(',').append(i).append(',').append(at.plusSeconds(3600)).append(',').append(i % 2 == 0 ? "repair" : "billing").append('\n');
        }
        Files.writeString(dir.resolve("customers.csv"), customers);
        Files.writeString(dir.resolve("events.csv"), events);
        Files.writeString(dir.resolve("calls.csv"), calls);
        var r = PredictEval.run(dir, new PrintStream(new ByteArrayOutputStream()));
        assertThat(r.top1()).isGreaterThan(0.95);
        assertThat(r.baselineTop1()).isLessThan(0.6);
    }

    @Test
    void intentEvalReadsAnyTextCategoryCsvAndPrintsTheAgreedLastLine() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "text,category\n\"where is my refund, please\",refund\nI want my money back,refund\n"
                + "my card was stolen,card\nI lost my card,card\nblock my card now,card\nrefund my order,refund\n");
        Files.writeString(dir.resolve("test.csv"), "text,category\nplease refund me,refund\nsomeone stole my card,card\n");
        String out = cli("intent-eval", "--train", dir.resolve("train.csv").toString(), "--test", dir.resolve("test.csv").toString());
        assertThat(lastLine(out)).isEqualTo("accuracy=1.0000 macro_f1=1.0000 n=2");
    }

    @Test
    void wordErrorRateCountsSubstitutionsInsertionsAndDeletions() {
        assertThat(IntentEval.editDistance(IntentEval.words("I lost my card"), IntentEval.words("i lost the card today"))).isEqualTo(2);
        assertThat(IntentEval.macroF1(List.of("a", "a", "b"), List.of("a", "b", "b"))).isCloseTo(0.6667, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void forecastEvalBeatsTheSameIntervalLastWeekBaselineOnTheDemoHistoryAndPrintsTheAgreedLastLine() throws Exception {
        HistoryDataGenerator.write(dir, 1000, 11, Instant.parse("2026-11-01T00:00:00Z"));
        var out = new java.io.ByteArrayOutputStream();
        var r = ForecastEval.run(dir.resolve("calls.csv"), new java.io.PrintStream(out, true));
        String[] lines = out.toString().trim().split("\n");
        assertThat(lines[lines.length - 1]).matches("mape=0\\.\\d{4} naive_mape=[01]\\.\\d{4} intervals=\\d+");
        assertThat(r.intervals()).isGreaterThan(50);
        assertThat(r.mape()).isLessThan(r.naiveMape());
    }
}
