package foresight.app.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import foresight.speech.predict.HistoryEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A history folder ({@code customers.csv}, {@code events.csv}, {@code calls.csv}, optional {@code oracle.csv})
 * read and checked row by row. Any bad row is a {@link BadHistoryException} naming {@code file:line}: a missing
 * column, an unknown or duplicated customer, an unreadable time or JSON, an attributes field over
 * {@value #MAX_ATTRIBUTES_CHARS} characters (any field over Jackson's 20,000,000), an empty file, bytes that are not
 * UTF-8. Events later than a call are not an error: each call only ever sees what happened before it; a customer
 * without events is a history too. {@code oracle.csv}'s {@code p_REASON} columns, when present, are the true
 * posterior per call.
 */
record HistoryFolder(Map<String, String> tiers, Map<String, List<HistoryEvent>> events, List<Call> calls, Map<String, Double> oracleBest,
                     Map<String, String> oracleArgmax, Map<String, Map<String, Double>> oraclePosterior) {
    static final int MAX_ATTRIBUTES_CHARS = 1_000_000;
    /** Jackson's default longest string: a longer field stops the reader at that row. */
    private static final int MAX_FIELD_CHARS = com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_STRING_LEN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.TRIM_SPACES).enable(CsvParser.Feature.SKIP_EMPTY_LINES);

    /** One call of the folder; {@code id} is the call_id column, or the row number without one. */
    record Call(String id, String customer, Instant at, String reason) {}

    /** Bad input, with {@code file:line: what} as the message. */
    static final class BadHistoryException extends IOException {
        BadHistoryException(String message) { super(message); }
    }

    static HistoryFolder read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new BadHistoryException(dir + ": not a folder with customers.csv, events.csv, calls.csv");
        Map<String, String> tiers = new HashMap<>();
        Map<String, Integer> customerLine = new HashMap<>();
        Path customers = dir.resolve("customers.csv");
        rows(customers, List.of("customer_id", "tier"), (line, row) -> {
            String id = row.get("customer_id");
            if (id == null || id.isBlank()) throw new BadHistoryException(customers + ":" + line + ": empty customer_id");
            Integer first = customerLine.putIfAbsent(id, line);
            if (first != null) throw new BadHistoryException(customers + ":" + line + ": customer '" + id + "' is already on line " + first);
            tiers.put(id, row.get("tier"));
        });
        Map<String, List<HistoryEvent>> events = new HashMap<>();
        Path eventsFile = dir.resolve("events.csv");
        rows(eventsFile, List.of("customer_id", "occurred_at", "type", "attributes"), (line, row) -> {
            String customer = known(tiers, row.get("customer_id"), eventsFile, line);
            String attrs = row.get("attributes");
            if (attrs != null && attrs.length() > MAX_ATTRIBUTES_CHARS) {
                throw new BadHistoryException(eventsFile + ":" + line + ": attributes field is " + attrs.length() + " characters (limit " + MAX_ATTRIBUTES_CHARS + ")");
            }
            Map<String, Object> parsed;
            try {
                parsed = attrs == null || attrs.isBlank() ? Map.of() : JSON.readValue(attrs, MAP);
            } catch (JsonProcessingException e) {
                throw new BadHistoryException(eventsFile + ":" + line + ": attributes is not a JSON object: " + e.getOriginalMessage());
            }
            String type = row.get("type");
            if (type == null || type.isBlank()) throw new BadHistoryException(eventsFile + ":" + line + ": empty event type");
            events.computeIfAbsent(customer, k -> new ArrayList<>()).add(new HistoryEvent(time(row.get("occurred_at"), eventsFile, line), type, parsed));
        });
        events.values().forEach(l -> l.sort(Comparator.comparing(HistoryEvent::at)));
        List<Call> calls = new ArrayList<>();
        Path callsFile = dir.resolve("calls.csv");
        rows(callsFile, List.of("customer_id", "started_at", "reason"), (line, row) -> {
            String reason = row.get("reason");
            if (reason == null || reason.isBlank()) throw new BadHistoryException(callsFile + ":" + line + ": empty reason");
            String id = row.get("call_id");
            calls.add(new Call(id == null || id.isBlank() ? String.valueOf(line) : id, known(tiers, row.get("customer_id"), callsFile, line),
                    time(row.get("started_at"), callsFile, line), reason));
        });
        calls.sort(Comparator.comparing(Call::at));
        Map<String, Double> best = new HashMap<>();
        Map<String, String> argmax = new HashMap<>();
        Map<String, Map<String, Double>> posterior = new HashMap<>();
        Path oracle = dir.resolve("oracle.csv");
        if (Files.exists(oracle)) rows(oracle, List.of("call_id", "best", "best_probability"), (line, row) -> {
            best.put(row.get("call_id"), number(row, "best_probability", oracle, line));
            argmax.put(row.get("call_id"), row.get("best"));
            Map<String, Double> p = new HashMap<>();
            for (String column : row.keySet()) if (column.startsWith("p_")) p.put(column.substring(2), number(row, column, oracle, line));
            if (!p.isEmpty()) posterior.put(row.get("call_id"), p);
        });
        return new HistoryFolder(tiers, events, calls, best, argmax, posterior);
    }

    private interface Row { void accept(int line, Map<String, String> row) throws BadHistoryException; }

    private static void rows(Path file, List<String> required, Row each) throws IOException {
        if (!Files.isRegularFile(file)) throw new BadHistoryException(file + ": missing");
        if (Files.size(file) == 0) throw new BadHistoryException(file + ":1: empty file; the first line must name the columns (" + String.join(", ", required) + " at least)");
        try (MappingIterator<Map<String, String>> it = CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            boolean first = true;
            while (true) {
                int line = 0;
                try {
                    if (!it.hasNextValue()) break;
                    line = it.getCurrentLocation().getLineNr();
                    Map<String, String> row = it.nextValue();
                    if (first) {
                        for (String col : required) if (!row.containsKey(col)) {
                            throw new BadHistoryException(file + ":1: missing column '" + col + "' (found " + row.keySet() + ")");
                        }
                        first = false;
                    }
                    each.accept(line, row);
                } catch (BadHistoryException e) {
                    throw e;
                } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
                    throw new BadHistoryException(file + ":" + Math.max(line, it.getCurrentLocation().getLineNr()) + ": a field is longer than "
                            + MAX_FIELD_CHARS + " characters, the reader's limit (an attributes field may have at most " + MAX_ATTRIBUTES_CHARS + ")");
                } catch (java.io.CharConversionException e) {
                    throw new BadHistoryException(file + ":" + Math.max(line, it.getCurrentLocation().getLineNr()) + ": not UTF-8 text (" + firstLine(e.getMessage()) + ")");
                } catch (IOException | RuntimeException e) {
                    throw new BadHistoryException(file + ":" + Math.max(line, it.getCurrentLocation().getLineNr()) + ": " + firstLine(e.getMessage()));
                }
            }
            if (first) {
                // Header only (or empty): still check the header names the required columns.
                String header;
                try (var reader = Files.newBufferedReader(file)) {
                    header = reader.readLine();
                }
                List<String> names = header == null ? List.of() : java.util.Arrays.stream(header.replace("\uFEFF", "").split(",")).map(String::strip).toList();
                for (String col : required) if (!names.contains(col)) {
                    throw new BadHistoryException(file + ":1: missing column '" + col + "' (header: " + (header == null ? "none" : header) + ")");
                }
            }
        } catch (BadHistoryException e) {
            throw e;
        } catch (java.io.CharConversionException e) {
            throw new BadHistoryException(file + ": not UTF-8 text (" + firstLine(e.getMessage()) + ")");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadHistoryException(file + ": not UTF-8 text");
        } catch (IOException | RuntimeException e) {
            throw new BadHistoryException(file + ": " + firstLine(e.getMessage()));
        }
    }

    private static double number(Map<String, String> row, String column, Path file, int line) throws BadHistoryException {
        String v = row.get(column);
        try {
            if (v != null) return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadHistoryException(file + ":" + line + ": " + column + " is not a number: " + (v == null ? "(missing)" : "'" + v + "'"));
    }

    private static String known(Map<String, String> tiers, String customer, Path file, int line) throws BadHistoryException {
        if (customer == null || !tiers.containsKey(customer)) throw new BadHistoryException(file + ":" + line + ": unknown customer '" + customer + "' (not in customers.csv)");
        return customer;
    }

    private static Instant time(String s, Path file, int line) throws BadHistoryException {
        if (s == null || s.isBlank()) throw new BadHistoryException(file + ":" + line + ": empty time");
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                try {
                    return java.time.LocalDateTime.parse(s.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    throw new BadHistoryException(file + ":" + line + ": not a time: '" + s + "'");
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        String first = message.lines().findFirst().orElse(message);
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }
}
