package foresight.app.http;

import foresight.app.http.auth.Access;
import foresight.app.http.auth.WebAuth;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallFilter;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.TranscriptRepository;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.List;

/**
 * The QA reviewer's pages, rendered on the server from jte templates ({@code qa/*.jte}; no client framework): log in with a token,
 * search calls (full text and filters), open a call to listen with its dialogue beside the player (click a line to
 * jump there; the line being played is highlighted), see the rule hits on a timeline and the call's journey, and
 * score it. Recordings go only to the {@code qa} and {@code supervisor} roles; every listen, download and score is
 * written to the audit log.
 */
final class QaPages {
    static final Access[] PAGE_READERS = {Access.QA, Access.SUPERVISOR, Access.ADMIN};
    static final Access[] LISTENERS = {Access.QA, Access.SUPERVISOR};
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(QaPages.class);

    private final CallRepository calls;
    private final TranscriptRepository transcripts;
    private final UserRepository users;
    private final Templates templates;
    private final WebAuth auth;
    volatile foresight.recording.storage.RecordingStorage storage = new foresight.recording.storage.LocalStorage();

    QaPages(CallRepository calls, TranscriptRepository transcripts, UserRepository users, Templates templates, WebAuth auth) {
        this.calls = calls;
        this.transcripts = transcripts;
        this.users = users;
        this.templates = templates;
        this.auth = auth;
    }

    void register(io.javalin.config.RoutesConfig routes) {
        routes.get("/qa/login", ctx -> templates.render(ctx, "qa/login.jte", "error", null));
        routes.post("/qa/login", this::login);
        routes.post("/qa/logout", ctx -> {
            auth.logout(ctx);
            ctx.redirect("/qa/login");
        }, Access.ANY);
        routes.get("/qa", this::search, PAGE_READERS);
        routes.get("/qa/calls/{id}", this::call, PAGE_READERS);
        routes.get("/qa/calls/{id}/audio", ctx -> audio(ctx, "listen"), LISTENERS);
        routes.post("/qa/calls/{id}/score", this::score, PAGE_READERS);
    }

    // ---- session -------------------------------------------------------------------------------------------

    private void login(Context ctx) {
        String token = ctx.formParam("token");
        switch (auth.login(ctx, null, "qa", () -> users.byToken(token))) {
            case WebAuth.Attempt.Locked l -> templates.render(ctx, "qa/login.jte", "error", "Too many failed attempts; try again in " + l.retryAfter().toSeconds() + " s.");
            case WebAuth.Attempt.Failed f -> templates.render(ctx, "qa/login.jte", "error", "That token is not valid.");
            case WebAuth.Attempt.LoggedIn in -> {
                if (Access.of(in.session().role()).filter(a -> List.of(PAGE_READERS).contains(a)).isEmpty()) {
                    auth.logout(ctx);
                    users.audit(in.session().username(), "denied", "/qa/login");
                    ctx.status(HttpStatus.UNAUTHORIZED);
                    templates.render(ctx, "qa/login.jte", "error", "Your role (" + in.session().role() + ") may not review calls.");
                } else {
                    ctx.redirect("/qa");
                }
            }
        }
    }

    // ---- pages -----------------------------------------------------------------------------------------------

    private void search(Context ctx) {
        WebAuth.Principal u = WebAuth.principal(ctx);
        String q = ctx.queryParam("q");
        CallFilter f = new CallFilter(null, null, blank(ctx.queryParam("queue")), blank(ctx.queryParam("agent")), blank(ctx.queryParam("reason")),
                blank(ctx.queryParam("category")), null, null, intOrNull(ctx.queryParam("minScore")), intOrNull(ctx.queryParam("maxScore")),
                "on".equals(ctx.queryParam("sampled")));
        users.audit(u.username(), "search_calls", (q == null ? "" : q) + (f.equals(CallFilter.NONE) ? "" : " " + f));
        var found = calls.search(q, f, 100);
        templates.render(ctx, "qa/search.jte", "q", q, "category", f.category(), "queue", f.queue(), "agent", f.agent(), "reason", f.reason(),
                "minScore", ctx.queryParam("minScore"), "maxScore", ctx.queryParam("maxScore"), "sampled", f.sampledOnly(), "found", found, "csrf", u.csrf());
    }

    private void call(Context ctx) {
        WebAuth.Principal u = WebAuth.principal(ctx);
        String id = ctx.pathParam("id");
        var found = calls.find(id);
        if (found.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND);
            templates.message(ctx, "QA", "No such call", "No call " + id + ".");
            return;
        }
        users.audit(u.username(), "view_call", id);
        CallSummary c = found.get();
        templates.render(ctx, "qa/call.jte", "c", c, "audio", audio(c, u), "segments", transcripts.segments(id), "hits", transcripts.qaHits(id),
                "journey", calls.events(id), "reviews", transcripts.reviews(id), "csrf", u.csrf());
    }

    /** What the page shows for the recording: {@code play}, {@code deleted}, {@code unreachable} (the store could not be asked), {@code forbidden} (not a listener) or {@code none}. */
    private String audio(CallSummary c, WebAuth.Principal u) {
        if (c.recordingPath() == null) return "none";
        try {
            if (!storage.exists(c.recordingPath())) return "deleted";
        } catch (java.io.IOException e) {
            log.warn("call={} event=recording_unreachable location={} error={}", c.id(), c.recordingPath(), e.getMessage());
            return "unreachable";
        }
        return listenerOrNot(u);
    }

    private static String listenerOrNot(WebAuth.Principal u) {
        return Access.of(u.role()).filter(a -> List.of(LISTENERS).contains(a)).isPresent() ? "play" : "forbidden";
    }

    private void score(Context ctx) {
        WebAuth.Principal u = WebAuth.principal(ctx);
        String id = ctx.pathParam("id");
        Integer score = intOrNull(ctx.formParam("score"));
        if (score == null || score < 0 || score > 100 || calls.find(id).isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST);
            templates.message(ctx, "QA", "Not saved", "A score is a whole number from 0 to 100, for a call that exists.");
            return;
        }
        transcripts.review(id, u.username(), score, ctx.formParam("comment"));
        users.audit(u.username(), "score", id + " " + score);
        ctx.redirect("/qa/calls/" + id);
    }

    /** The call's recording as a seekable WAV, for the QA and supervisor roles only; audited as {@code action}. */
    void audio(Context ctx, String action) throws Exception {
        String id = ctx.pathParam("id");
        WebAuth.Principal user = WebAuth.principal(ctx);
        var c = calls.find(id);
        foresight.recording.storage.RecordingStorage.Audio audio = null;
        if (c.isPresent() && c.get().recordingPath() != null) {
            try {
                audio = storage.open(c.get().recordingPath());
            } catch (java.io.IOException e) {
                audio = null; // deleted by retention, or its store cannot be reached: the reason is in the log
                if (!(e instanceof java.nio.file.NoSuchFileException)) org.slf4j.LoggerFactory.getLogger(QaPages.class)
                        .warn("call={} event=recording_unreadable location={} error={}", id, c.get().recordingPath(), e.toString());
            }
        }
        if (audio == null) {
            ctx.status(HttpStatus.NOT_FOUND).result("no recording for call " + id);
            return;
        }
        users.audit(user.username(), action, id);
        ctx.header("Content-Disposition", "inline; filename=\"" + id + ".wav\"");
        ctx.writeSeekableStream(audio.in(), "audio/wav", audio.length());
    }

    private static String blank(String s) { return s == null || s.isBlank() ? null : s.trim(); }

    private static Integer intOrNull(String s) {
        try {
            return s == null || s.isBlank() ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
