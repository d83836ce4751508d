package foresight.app.digest;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /digest?date=YYYY-MM-DD} (HTML) and {@code GET /api/digest?date=} (JSON); the date defaults to yesterday
 * (UTC). Authorisation is the caller's (HttpApi's bearer-token check) before these run. Thread-safe.
 */
public final class DigestPages {
    private final DigestBuilder builder;
    private final Clock clock;

    public DigestPages(DigestBuilder builder, Clock clock) {
        this.builder = builder;
        this.clock = clock;
    }

    public void page(Context ctx) {
        LocalDate date = date(ctx);
        if (date != null) ctx.contentType("text/html; charset=utf-8").result(DigestText.html(builder.build(date)));
    }

    public void json(Context ctx) {
        LocalDate date = date(ctx);
        if (date != null) ctx.contentType("application/json").result(DigestText.json(builder.build(date)));
    }

    private LocalDate date(Context ctx) {
        String v = ctx.queryParam("date");
        if (v == null || v.isBlank()) return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
        try {
            return LocalDate.parse(v.trim());
        } catch (DateTimeParseException e) {
            ctx.status(HttpStatus.BAD_REQUEST).contentType("application/json")
                    .result("{\"error\":\"date must be YYYY-MM-DD, e.g. 2026-11-25\"}");
            return null;
        }
    }
}
