package foresight.app.eval;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a synthetic contact-center history in the {@code predict-eval} format: customers, their events
 * (orders, failed payments, refund requests, card reports, delayed deliveries, failed logins, ...) and calls
 * whose reasons follow from recent events the way real ones do, with noise: most calls after a trigger event
 * are about it, some customers call about something else, some call again, resolved issues rarely cause calls.
 */
public final class HistoryDataGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TIERS = {"standard", "standard", "standard", "gold", "vip"};
    private static final String[] BACKGROUND = {"other", "other", "account_update", "card_lost", "payment_failed", "refund", "delivery"};

    private record Trigger(String type, String reason, double callProbability, double meanDelayHours, double ratePerYear) {}

    private static final List<Trigger> TRIGGERS = List.of(
            new Trigger("refund_requested", "refund", 0.7, 60, 1.2),
            new Trigger("payment_failed", "payment_failed", 0.6, 18, 1.5),
            new Trigger("card_reported", "card_lost", 0.75, 10, 0.5),
            new Trigger("delivery_delayed", "delivery", 0.55, 30, 1.0),
            new Trigger("login_failed", "account_access", 0.5, 6, 1.0),
            new Trigger("address_changed", "account_update", 0.25, 48, 0.6),
            new Trigger("order_placed", "order_status", 0.08, 72, 6.0),
            new Trigger("newsletter_opened", "other", 0.01, 72, 8.0));

    private HistoryDataGenerator() {}

    /** Summary of what was written. */
    public record Written(int customers, int events, int calls) {}

    public static Written write(Path dir, int customers, long seed, Instant end) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        Instant start = end.minus(Duration.ofDays(365));
        int eventId = 0, callId = 0;
        try (var cust = new PrintWriter(Files.newBufferedWriter(dir.resolve("customers.csv")));
             var ev = new PrintWriter(Files.newBufferedWriter(dir.resolve("events.csv")));
             var calls = new PrintWriter(Files.newBufferedWriter(dir.resolve("calls.csv")))) {
            cust.println("customer_id,phone,tier,created_at");
            ev.println("event_id,customer_id,occurred_at,type,attributes");
            calls.println("call_id,customer_id,started_at,reason");
            List<String[]> callRows = new ArrayList<>();
            for (int c = 1; c <= customers; c++) {
                String tier = TIERS[r.nextInt(TIERS.length)];
                cust.printf("%d,+1555%07d,%s,%s%n", c, c, tier, start.minus(Duration.ofDays(r.nextInt(900))));
                int order = 1000 + c * 10;
                for (Trigger t : TRIGGERS) {
                    int n = poisson(r, t.ratePerYear());
                    for (int i = 0; i < n; i++) {
                        Instant at = start.plusSeconds((long) (r.nextDouble() * Duration.ofDays(365).toSeconds()));
                        Map<String, Object> attrs = attributes(t.type(), r, order++);
                        boolean resolved = "resolved".equals(attrs.get("status"));
                        ev.printf("%d,%d,%s,%s,%s%n", ++eventId, c, at, t.type(), csv(JSON.writeValueAsString(attrs)));
                        if (r.nextDouble() < t.callProbability() * (resolved ? 0.15 : 1.0)) {
                            Instant when = at.plusSeconds((long) (exp(r, t.meanDelayHours()) * 3600) + 60);
                            String reason = r.nextDouble() < 0.85 ? t.reason() : BACKGROUND[r.nextInt(BACKGROUND.length)];
                            if (when.isBefore(end)) callRows.add(new String[]{String.valueOf(c), when.toString(), reason});
                            if (r.nextDouble() < 0.2 && when.plus(Duration.ofDays(2)).isBefore(end)) {
                                callRows.add(new String[]{String.valueOf(c), when.plusSeconds((long) (exp(r, 30) * 3600) + 600).toString(), reason});
                            }
                        }
                    }
                }
                int background = poisson(r, 0.8);
                for (int i = 0; i < background; i++) {
                    Instant when = start.plusSeconds((long) (r.nextDouble() * Duration.ofDays(365).toSeconds()));
                    callRows.add(new String[]{String.valueOf(c), when.toString(), BACKGROUND[r.nextInt(BACKGROUND.length)]});
                }
            }
            callRows.sort(java.util.Comparator.comparing(a -> a[1]));
            for (String[] row : callRows) calls.printf("%d,%s,%s,%s%n", ++callId, row[0], row[1], row[2]);
        }
        return new Written(customers, eventId, callId);
    }

    private static Map<String, Object> attributes(String type, Random r, int order) {
        Map<String, Object> a = new LinkedHashMap<>();
        switch (type) {
            case "refund_requested" -> { a.put("order_id", order); a.put("amount", 5 + r.nextInt(300)); a.put("status", r.nextDouble() < 0.35 ? "resolved" : "open"); }
            case "payment_failed" -> { a.put("amount", 10 + r.nextInt(500)); a.put("reason", r.nextBoolean() ? "insufficient_funds" : "card_declined"); }
            case "card_reported" -> { a.put("last4", String.format("%04d", r.nextInt(10000))); a.put("kind", r.nextBoolean() ? "lost" : "stolen"); }
            case "delivery_delayed" -> { a.put("order_id", order); a.put("days_late", 1 + r.nextInt(10)); }
            case "order_placed" -> { a.put("order_id", order); a.put("total", 10 + r.nextInt(400)); }
            case "login_failed" -> a.put("attempts", 3 + r.nextInt(5));
            default -> { }
        }
        return a;
    }

    private static String csv(String s) { return "\"" + s.replace("\"", "\"\"") + "\""; }

    private static int poisson(Random r, double mean) {
        double l = Math.exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= r.nextDouble(); } while (p > l);
        return k - 1;
    }

    private static double exp(Random r, double mean) { return -mean * Math.log(1 - r.nextDouble()); }
}
