package foresight.app.http;

import foresight.db.audit.User;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallFilter;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.transcript.TranscriptRepository;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.Optional;
import java.util.Set;

/**
 * The QA reviewer's pages, rendered on the server (no build step, no client framework): log in with a token,
 * search calls (full text and filters), open a call to listen with its dialogue beside the player (click a line to
 * jump there; the line being played is highlighted), see the rule hits on a timeline and the call's journey, and
 * score it. Recordings go only to the {@code qa} and {@code supervisor} roles; every listen, download and score is
 * written to the audit log.
 */
final class QaPages {
    static final Set<String> PAGE_READERS = Set.of("qa", "supervisor", "admin");
    static final Set<String> LISTENERS = Set.of("qa", "supervisor");
    private static final String COOKIE = "foresight_session";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(QaPages.class);

    private final CallRepository calls;
    private final TranscriptRepository transcripts;
    private final UserRepository users;
    volatile foresight.recording.storage.RecordingStorage storage = new foresight.recording.storage.LocalStorage();

    QaPages(CallRepository calls, TranscriptRepository transcripts, UserRepository users) {
        this.calls = calls;
        this.transcripts = transcripts;
        this.users = users;
    }

    void register(io.javalin.config.RoutesConfig routes) {
        routes.get("/qa/login", ctx -> page(ctx, "Log in", loginForm(null)));
        routes.post("/qa/login", this::login);
        routes.post("/qa/logout", ctx -> {
            ctx.removeCookie(COOKIE, "/");
            ctx.redirect("/qa/login");
        });
        routes.get("/qa", this::search);
        routes.get("/qa/calls/{id}", this::call);
        routes.get("/qa/calls/{id}/audio", ctx -> audio(ctx, sessionUser(ctx), "listen"));
        routes.post("/qa/calls/{id}/score", this::score);
    }

    // ---- session -------------------------------------------------------------------------------------------

    private void login(Context ctx) {
        String token = ctx.formParam("token");
        Optional<User> user = users.byToken(token);
        if (user.isEmpty() || !PAGE_READERS.contains(user.get().role())) {
            if (user.isPresent()) users.audit(user.get().username(), "denied", "/qa/login");
            ctx.status(HttpStatus.UNAUTHORIZED);
            page(ctx, "Log in", loginForm(user.isEmpty() ? "That token is not valid." : "Your role (" + user.get().role() + ") may not review calls."));
            return;
        }
        ctx.cookie(ContactPages.sessionCookie(COOKIE, token));
        users.audit(user.get().username(), "login", "qa");
        ctx.redirect("/qa");
    }

    private Optional<User> sessionUser(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token == null) {
            String h = ctx.header("Authorization");
            token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
        }
        return users.byToken(token);
    }

    /** The logged-in reviewer, or a redirect to the login page (and empty). */
    private Optional<User> reviewer(Context ctx) {
        Optional<User> u = sessionUser(ctx);
        if (u.isEmpty()) {
            ctx.redirect("/qa/login");
            return Optional.empty();
        }
        if (!PAGE_READERS.contains(u.get().role())) {
            users.audit(u.get().username(), "denied", ctx.path());
            ctx.status(HttpStatus.FORBIDDEN);
            page(ctx, "Not allowed", "<p>Your role (" + esc(u.get().role()) + ") may not review calls.</p>");
            return Optional.empty();
        }
        return u;
    }

    // ---- pages -----------------------------------------------------------------------------------------------

    private void search(Context ctx) {
        Optional<User> u = reviewer(ctx);
        if (u.isEmpty()) return;
        String q = ctx.queryParam("q");
        CallFilter f = new CallFilter(null, null, blank(ctx.queryParam("queue")), blank(ctx.queryParam("agent")), blank(ctx.queryParam("reason")),
                blank(ctx.queryParam("category")), null, null, intOrNull(ctx.queryParam("minScore")), intOrNull(ctx.queryParam("maxScore")),
                "on".equals(ctx.queryParam("sampled")));
        users.audit(u.get().username(), "search_calls", (q == null ? "" : q) + (f.equals(CallFilter.NONE) ? "" : " " + f));
        var found = calls.search(q, f, 100);
        StringBuilder h = new StringBuilder();
        h.append("<form id='search' method='get' action='/qa'>")
                .append(input("q", "Words", q)).append(input("category", "QA category", f.category())).append(input("queue", "Queue", f.queue()))
                .append(input("agent", "Agent", f.agent())).append(input("reason", "Reason", f.reason()))
                .append(input("minScore", "Score ≥", ctx.queryParam("minScore"))).append(input("maxScore", "Score ≤", ctx.queryParam("maxScore")))
                .append("<label><input type='checkbox' name='sampled'").append(f.sampledOnly() ? " checked" : "").append("> Sampled for review</label>")
                .append("<button id='go'>Search</button></form>");
        h.append("<p>").append(found.size()).append(found.size() == 1 ? " call" : " calls").append("</p>");
        h.append("<table id='results'><tr><th>Started</th><th>Caller</th><th>Queue</th><th>Agent</th><th>Reason</th><th>Score</th><th>Match</th></tr>");
        for (CallSummary c : found) {
            h.append("<tr class='call'><td><a href='/qa/calls/").append(esc(c.id())).append("'>").append(esc(String.valueOf(c.startedAt()).replace('T', ' ').substring(0, 19)))
                    .append("</a></td><td>").append(esc(mask(c.caller()))).append("</td><td>").append(esc(c.queue())).append("</td><td>")
                    .append(esc(c.agent())).append("</td><td>").append(esc(c.confirmedReason() != null ? c.confirmedReason() : c.predictedReason()))
                    .append("</td><td>").append(c.qaScore() == null ? "" : c.qaScore()).append("</td><td class='snippet'>")
                    .append(c.snippet() == null ? "" : esc(c.snippet()).replace("&lt;&lt;", "<mark>").replace("&gt;&gt;", "</mark>")).append("</td></tr>");
        }
        h.append("</table>");
        page(ctx, "Calls", h.toString());
    }

    private void call(Context ctx) {
        Optional<User> u = reviewer(ctx);
        if (u.isEmpty()) return;
        String id = ctx.pathParam("id");
        var found = calls.find(id);
        if (found.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND);
            page(ctx, "No such call", "<p>No call " + esc(id) + ".</p>");
            return;
        }
        users.audit(u.get().username(), "view_call", id);
        CallSummary c = found.get();
        StringBuilder h = new StringBuilder("<p><a href='/qa'>← calls</a></p>");
        h.append("<dl id='summary'>").append(dt("Caller", mask(c.caller()))).append(dt("Started", String.valueOf(c.startedAt())))
                .append(dt("Status", c.status())).append(dt("Queue", c.queue())).append(dt("Agent", c.agent()))
                .append(dt("Predicted", c.predictedReason() == null ? "—" : c.predictedReason() + String.format(" (%.0f %%)", 100 * c.predictionConfidence())))
                .append(dt("Confirmed", c.confirmed() == null ? "—" : c.confirmed() ? "yes: " + c.confirmedReason() : "no" + (c.confirmedReason() == null ? "" : ", then " + c.confirmedReason())))
                .append(dt("QA score", c.qaScore() == null ? "—" : String.valueOf(c.qaScore())))
                .append(dt("Redacted", c.redactions() == null ? "—" : c.redactions() + " stretch(es)")).append("</dl>");
        Boolean audioThere = null; // null: the store could not be asked
        if (c.recordingPath() != null) {
            try {
                audioThere = storage.exists(c.recordingPath());
            } catch (java.io.IOException e) {
                log.warn("call={} event=recording_unreachable location={} error={}", id, c.recordingPath(), e.getMessage());
            }
        }
        if (c.recordingPath() != null && audioThere == null) {
            h.append("<p id='no-audio'>The recording's store cannot be reached right now; try again later.</p>");
        } else if (c.recordingPath() != null && !audioThere) {
            h.append("<p id='no-audio'>The audio was deleted after the retention period; the transcript and QA results stay.</p>");
        } else if (LISTENERS.contains(u.get().role()) && c.recordingPath() != null) {
            h.append("<audio id='player' controls preload='auto' src='/qa/calls/").append(esc(id)).append("/audio'></audio>");
        } else {
            h.append("<p id='no-audio'>Recordings are for QA reviewers and supervisors.</p>");
        }
        h.append("<h2>Dialogue</h2><ol id='transcript'>");
        for (var s : transcripts.segments(id)) {
            h.append("<li class='line ").append(esc(s.channel())).append("' data-start='").append(s.startMs()).append("' data-end='").append(s.endMs())
                    .append("'><time>").append(clock(s.startMs())).append("</time> <b>").append(esc(s.channel())).append("</b> ").append(esc(s.text())).append("</li>");
        }
        h.append("</ol><h2>Rule hits</h2><ul id='hits'>");
        for (var hit : transcripts.qaHits(id)) {
            h.append("<li class='hit' data-start='").append(hit.startMs()).append("'><time>").append(clock(hit.startMs())).append("</time> <b>")
                    .append(esc(hit.category())).append("</b> (").append(esc(hit.channel())).append("): “").append(esc(hit.phrase())).append("”</li>");
        }
        h.append("</ul><h2>Journey</h2><ol id='journey'>");
        for (var e : calls.events(id)) {
            h.append("<li><time>").append(esc(String.valueOf(e.at()).substring(11, 19))).append("</time> ").append(esc(e.type()))
                    .append(" <small>").append(esc(e.detail().equals("{}") ? "" : e.detail())).append("</small></li>");
        }
        h.append("</ol><h2>Score</h2><ul id='reviews'>");
        for (var r : transcripts.reviews(id)) {
            h.append("<li class='review'>").append(r.score()).append(" by ").append(esc(r.reviewer())).append(" at ")
                    .append(esc(String.valueOf(r.at()).substring(0, 19).replace('T', ' '))).append(r.comment() == null ? "" : ": " + esc(r.comment())).append("</li>");
        }
        h.append("</ul><form id='score' method='post' action='/qa/calls/").append(esc(id)).append("/score'>")
                .append("<label>Score (0–100) <input name='score' type='number' min='0' max='100' required></label>")
                .append("<label>Comment <input name='comment' maxlength='2000'></label><button id='save'>Save score</button></form>");
        h.append(PLAYER_SCRIPT);
        page(ctx, "Call " + id, h.toString());
    }

    private void score(Context ctx) {
        Optional<User> u = reviewer(ctx);
        if (u.isEmpty()) return;
        String id = ctx.pathParam("id");
        Integer score = intOrNull(ctx.formParam("score"));
        if (score == null || score < 0 || score > 100 || calls.find(id).isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST);
            page(ctx, "Not saved", "<p>A score is a whole number from 0 to 100, for a call that exists.</p>");
            return;
        }
        transcripts.review(id, u.get().username(), score, ctx.formParam("comment"));
        users.audit(u.get().username(), "score", id + " " + score);
        ctx.redirect("/qa/calls/" + id);
    }

    /** The call's recording as a seekable WAV, for the QA and supervisor roles only; audited as {@code action}. */
    void audio(Context ctx, Optional<User> user, String action) throws Exception {
        String id = ctx.pathParam("id");
        if (user.isEmpty()) {
            ctx.status(HttpStatus.UNAUTHORIZED).result("log in first");
            return;
        }
        if (!LISTENERS.contains(user.get().role())) {
            users.audit(user.get().username(), "denied", "recording " + id);
            ctx.status(HttpStatus.FORBIDDEN).result("recordings are for the qa and supervisor roles; yours is " + user.get().role());
            return;
        }
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
        users.audit(user.get().username(), action, id);
        ctx.header("Content-Disposition", "inline; filename=\"" + id + ".wav\"");
        ctx.writeSeekableStream(audio.in(), "audio/wav", audio.length());
    }

    // ---- html ------------------------------------------------------------------------------------------------

    /** Click a line or a hit to play from there; the line being played is highlighted. */
    private static final String PLAYER_SCRIPT = """
            <script>
            const player = document.getElementById('player');
            const lines = [...document.querySelectorAll('#transcript .line')];
            for (const el of document.querySelectorAll('#transcript .line, #hits .hit')) {
              el.addEventListener('click', () => {
                if (!player) return;
                player.currentTime = Number(el.dataset.start) / 1000;
                player.play().catch(() => {});
              });
            }
            if (player) player.addEventListener('timeupdate', () => {
              const ms = player.currentTime * 1000;
              for (const l of lines) l.classList.toggle('playing', ms >= Number(l.dataset.start) && ms <= Number(l.dataset.end) + 300);
            });
            </script>""";

    private static String loginForm(String error) {
        return (error == null ? "" : "<p class='error'>" + esc(error) + "</p>")
                + "<form id='login' method='post' action='/qa/login'><label>Token <input name='token' type='password' required></label>"
                + "<button id='login-button'>Log in</button></form>";
    }

    static void page(Context ctx, String title, String body) {
        ctx.contentType("text/html; charset=utf-8").result("""
                <!doctype html><html lang='en'><head><meta charset='utf-8'><title>%s · Foresight QA</title><style>
                body{font:15px system-ui,sans-serif;margin:2em;max-width:70em} table{border-collapse:collapse} td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left}
                form label{margin-right:1em} input{margin:.2em} .line,.hit{cursor:pointer;padding:.15em} .line.caller b{color:#06c} .line.agent b{color:#a40}
                .playing{background:#fff3b0} mark{background:#fff3b0} audio{width:100%%;margin:1em 0} dl{display:grid;grid-template-columns:10em auto} dt{color:#666}
                </style></head><body><h1>%s</h1>%s</body></html>""".formatted(esc(title), esc(title), body));
    }

    private static String input(String name, String label, String value) {
        return "<label>" + esc(label) + " <input name='" + name + "' value='" + esc(value == null ? "" : value) + "' size='12'></label>";
    }

    private static String dt(String k, String v) { return "<dt>" + esc(k) + "</dt><dd>" + esc(v == null ? "—" : v) + "</dd>"; }

    private static String clock(long ms) { return String.format("%d:%02d", ms / 60000, ms / 1000 % 60); }

    /** Last four digits only: reviewers do not need the caller's full number. */
    private static String mask(String n) { return n == null || n.length() <= 4 ? n : "…" + n.substring(n.length() - 4); }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
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
