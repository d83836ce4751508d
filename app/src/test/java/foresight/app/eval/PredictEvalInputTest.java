package foresight.app.eval;

import foresight.app.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** predict-eval on bad or unusual input: one clear line and exit 2, never a stack trace; and its predictions file. */
class PredictEvalInputTest {
    @TempDir Path dir;

    private static CliRun cli(String... args) { return CliRun.of(args); }

    /** 400 customers, each with one event of two made-up types and one call an hour later about it. */
    private void writeSmallHistory() throws Exception {
        StringBuilder customers = new StringBuilder("customer_id,phone,tier,created_at\n");
        StringBuilder events = new StringBuilder("event_id,customer_id,occurred_at,type,attributes\n");
        StringBuilder calls = new StringBuilder("call_id,customer_id,started_at,reason\n");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 400; i++) {
            customers.append(i).append(",+1").append(i).append(",standard,2025-01-01T00:00:00Z\n");
            Instant at = t.plusSeconds(3600L * i);
            events.append(i).append(',').append(i).append(',').append(at).append(',').append(i % 2 == 0 ? "meter_broken" : "bill_disputed").append(",\"{}\"\n");
            calls.append(i).append(',').append(i).append(',').append(at.plusSeconds(3600)).append(',').append(i % 2 == 0 ? "repair" : "billing").append('\n');
        }
        Files.writeString(dir.resolve("customers.csv"), customers);
        Files.writeString(dir.resolve("events.csv"), events);
        Files.writeString(dir.resolve("calls.csv"), calls);
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exit()).as("exit code; stderr: " + r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as("stderr: " + r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        for (String f : fragments) assertThat(r.err()).contains(f);
    }

    @Test
    void aCsvMissingAColumnNamesTheFileAndTheColumn() throws Exception {
        writeSmallHistory();
        Files.writeString(dir.resolve("calls.csv"), "call_id,customer_id,started_at\n1,1,2026-01-01T00:00:00Z\n");
        assertOneLineError(cli("predict-eval", dir.toString()), "calls.csv:1", "missing column 'reason'");
    }

    @Test
    void anUnknownCustomerNamesTheFileAndLine() throws Exception {
        writeSmallHistory();
        Files.writeString(dir.resolve("events.csv"), "\n3,999999,2026-01-01T00:00:00Z,meter_broken,\"{}\"\n", java.nio.file.StandardOpenOption.APPEND);
        assertOneLineError(cli("predict-eval", dir.toString()), "events.csv:", "unknown customer '999999'");
    }

    @Test
    void aFiftyMegabyteAttributesFieldIsRefusedWithItsLine() throws Exception {
        writeSmallHistory();
        try (var w = Files.newBufferedWriter(dir.resolve("events.csv"), java.nio.file.StandardOpenOption.APPEND)) {
            w.write("1000,5,2026-01-01T00:00:00Z,meter_broken,\"{\"\"blob\"\":\"\"");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 'x');
            for (int i = 0; i < 50; i++) w.write(chunk);
            w.write("\"\"}\"\n");
        }
        assertOneLineError(cli("predict-eval", dir.toString()), "events.csv:402");
    }

    @Test
    void customersWithoutHistoryAndEventsAfterTheCallArePredictedFromWhatCameBefore() throws Exception {
        writeSmallHistory();
        // Forty more customers with no events at all, and every one of the first customers gets an event after its call.
        StringBuilder customers = new StringBuilder(), calls = new StringBuilder(), events = new StringBuilder();
        for (int i = 400; i < 440; i++) {
            customers.append(i).append(",+1").append(i).append(",standard,2025-01-01T00:00:00Z\n");
            calls.append(i).append(',').append(i).append(",2026-01-10T00:00:00Z,billing\n");
        }
        for (int i = 0; i < 400; i++) events.append(10_000 + i).append(',').append(i).append(",2026-12-01T00:00:00Z,refund_paid,\"{}\"\n");
        Files.writeString(dir.resolve("customers.csv"), customers, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("calls.csv"), calls, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("events.csv"), events, java.nio.file.StandardOpenOption.APPEND);
        Path predictions = dir.resolve("predictions.csv");
        CliRun r = cli("predict-eval", dir.toString(), "--predictions", predictions.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("note: 400 events are later than their customer's last call");
        List<String> last = r.out().lines().filter(l -> !l.isBlank()).toList();
        assertThat(last.getLast()).matches("top1=[01]\\.\\d{4} top3=[01]\\.\\d{4} n=\\d+ p99_ms=\\d+\\.\\d{3} confirm_precision=([01]\\.\\d{4}|nan) confirm_coverage=[01]\\.\\d{4}");
        List<String> rows = Files.readAllLines(predictions);
        assertThat(rows.getFirst()).isEqualTo("call_id,predicted,confidence,second,third,asked");
        assertThat(rows).hasSize(1 + 88);
        assertThat(rows.get(1)).matches("\\d+,\\w+,[01]\\.\\d{4},\\w*,\\w*,(true|false)");
    }

    @Test
    void aCustomerListedTwiceNamesBothLines() throws Exception {
        writeSmallHistory();
        Files.writeString(dir.resolve("customers.csv"), "5,+15,gold,2025-01-01T00:00:00Z\n", java.nio.file.StandardOpenOption.APPEND);
        assertOneLineError(cli("predict-eval", dir.toString()), "customers.csv:402", "customer '5' is already on line 7");
    }

    @Test
    void anEmptyFileSaysWhichColumnsTheFirstLineMustName() throws Exception {
        writeSmallHistory();
        Files.writeString(dir.resolve("events.csv"), "");
        assertOneLineError(cli("predict-eval", dir.toString()), "events.csv:1: empty file", "customer_id, occurred_at, type, attributes");
    }

    @Test
    void aFileThatIsNotTextSaysSo() throws Exception {
        writeSmallHistory();
        byte[] bytes = new byte[25_600];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
        Files.write(dir.resolve("events.csv"), bytes);
        assertOneLineError(cli("predict-eval", dir.toString()), "events.csv", "not UTF-8 text");
    }

    @Test
    void aFiftyMegabyteFieldWithoutQuotesIsRefusedWithItsLine() throws Exception {
        writeSmallHistory();
        try (var w = Files.newBufferedWriter(dir.resolve("events.csv"), java.nio.file.StandardOpenOption.APPEND)) {
            w.write("1000,5,2026-01-01T00:00:00Z,");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 't');
            for (int i = 0; i < 50; i++) w.write(chunk);
            w.write(",{}\n");
        }
        assertOneLineError(cli("predict-eval", dir.toString()), "events.csv:402", "longer than");
    }

    @Test
    void anOracleProbabilityThatIsNotANumberNamesItsLineAndColumn() throws Exception {
        writeSmallHistory();
        Files.writeString(dir.resolve("oracle.csv"), "call_id,best,best_probability,p_repair,p_billing\n0,repair,0.9,0.9,0.1\n1,billing,0.8,0.2,x\n");
        assertOneLineError(cli("predict-eval", dir.toString()), "oracle.csv:3", "p_billing is not a number: 'x'");
    }

    @Test
    void anEventsFileWithOnlyItsHeaderIsAHistoryWithoutEvents() throws Exception {
        writeSmallHistory();
        Files.writeString(dir.resolve("events.csv"), "event_id,customer_id,occurred_at,type,attributes\n");
        CliRun r = cli("predict-eval", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip().lines().toList().getLast()).startsWith("top1=").contains(" n=80 ");
    }
}
