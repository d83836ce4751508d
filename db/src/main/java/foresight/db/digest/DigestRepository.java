package foresight.db.digest;

import org.jooq.DSLContext;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The counts behind the daily digest, by UTC day: calls per reason and per QA category, the predictor's asked and
 * confirmed calls, caller speech, and example calls. Read-only; thread-safe; each method is one query.
 */
public final class DigestRepository {
    /** How many calls of {@code key} (a reason or QA category) started on {@code day}. */
    public record DayCount(LocalDate day, String key, int calls) {}

    /** One caller-channel stretch of speech, with the call it belongs to and the call's UTC day. */
    public record CallerText(String callId, LocalDate day, String text) {}

    /** A day's prediction outcomes: calls where the confirmation was asked, and how many said yes. */
    public record PredictionDay(LocalDate day, int asked, int confirmed) {}

    private final DSLContext dsl;

    public DigestRepository(DSLContext dsl) { this.dsl = dsl; }

    /** Calls per day per reason (the confirmed reason, else the predicted one) in {@code [from, to)}. */
    public List<DayCount> reasonCounts(LocalDate from, LocalDate to) {
        return dsl.fetch("select (started_at at time zone 'UTC')::date as day, coalesce(confirmed_reason, predicted_reason) as k, count(*) as n "
                        + "from calls where started_at >= cast(? as timestamptz) and started_at < cast(? as timestamptz) and coalesce(confirmed_reason, predicted_reason) is not null "
                        + "group by 1, 2", start(from), start(to))
                .map(r -> new DayCount(r.get("day", LocalDate.class), r.get("k", String.class), r.get("n", Integer.class)));
    }

    /** Calls per day per QA category (a call with several hits of one category counts once) in {@code [from, to)}. */
    public List<DayCount> categoryCounts(LocalDate from, LocalDate to) {
        return dsl.fetch("select (c.started_at at time zone 'UTC')::date as day, h.category as k, count(distinct c.id) as n "
                        + "from qa_hits h join calls c on c.id = h.call_id where c.started_at >= cast(? as timestamptz) and c.started_at < cast(? as timestamptz) group by 1, 2",
                        start(from), start(to))
                .map(r -> new DayCount(r.get("day", LocalDate.class), r.get("k", String.class), r.get("n", Integer.class)));
    }

    /** Per day in {@code [from, to)}: calls whose predicted reason was put to the caller, and how many confirmed it. */
    public List<PredictionDay> predictionOutcomes(LocalDate from, LocalDate to) {
        return dsl.fetch("select (started_at at time zone 'UTC')::date as day, count(*) as asked, count(*) filter (where confirmed) as yes "
                        + "from calls where started_at >= cast(? as timestamptz) and started_at < cast(? as timestamptz) and confirmed is not null group by 1", start(from), start(to))
                .map(r -> new PredictionDay(r.get("day", LocalDate.class), r.get("asked", Integer.class), r.get("yes", Integer.class)));
    }

    /** Everything callers said (channel {@code caller}) in calls that started in {@code [from, to)}. */
    public List<CallerText> callerText(LocalDate from, LocalDate to) {
        return dsl.fetch("select s.call_id, (c.started_at at time zone 'UTC')::date as day, s.text from transcript_segments s "
                        + "join calls c on c.id = s.call_id where s.channel = 'caller' and c.started_at >= cast(? as timestamptz) and c.started_at < cast(? as timestamptz) "
                        + "order by c.started_at, s.call_id, s.start_ms", start(from), start(to))
                .map(r -> new CallerText(r.get("call_id", String.class), r.get("day", LocalDate.class), r.get("text", String.class)));
    }

    /** Up to {@code limit} calls of {@code day} with this reason, newest first. */
    public List<String> callsWithReason(LocalDate day, String reason, int limit) {
        return dsl.fetch("select id from calls where started_at >= cast(? as timestamptz) and started_at < cast(? as timestamptz) and coalesce(confirmed_reason, predicted_reason) = ? "
                        + "order by started_at desc, id limit ?", start(day), start(day.plusDays(1)), reason, limit)
                .map(r -> r.get("id", String.class));
    }

    /** Up to {@code limit} calls of {@code day} with a QA hit of this category, newest first. */
    public List<String> callsWithCategory(LocalDate day, String category, int limit) {
        return dsl.fetch("select c.id from calls c where c.started_at >= cast(? as timestamptz) and c.started_at < cast(? as timestamptz) "
                        + "and exists (select 1 from qa_hits h where h.call_id = c.id and h.category = ?) "
                        + "order by c.started_at desc, c.id limit ?", start(day), start(day.plusDays(1)), category, limit)
                .map(r -> r.get("id", String.class));
    }

    /** Up to {@code limit} calls of {@code day} where the caller said no to the predicted reason, newest first. */
    public List<String> callsNotConfirmed(LocalDate day, int limit) {
        return dsl.fetch("select id from calls where started_at >= cast(? as timestamptz) and started_at < cast(? as timestamptz) and confirmed = false "
                        + "order by started_at desc, id limit ?", start(day), start(day.plusDays(1)), limit)
                .map(r -> r.get("id", String.class));
    }

    private static OffsetDateTime start(LocalDate day) {
        return day.atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    /** For callers that hold an instant: its UTC day. */
    public static LocalDate utcDay(Instant at) { return LocalDate.ofInstant(at, ZoneOffset.UTC); }
}
