package foresight.app.e2e;

import foresight.acd.Acd;
import foresight.app.Server;
import foresight.app.config.ForesightConfig;
import foresight.db.acd.AcdRepository;
import foresight.db.agent.AgentRepository;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import foresight.db.customer.CustomerRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static foresight.db.schema.Tables.AGENT_STATE_CHANGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contact center with real phones: two queues (support, sales) and three agents on baresip softphones with
 * different skills — Ann (support), Ben (sales and support), Cy (sales; his phone rings but nobody picks up).
 * Callers are JAIN-SIP phones that press keys in the IVR menu; one of them also takes the callback. Everything is
 * real SIP/RTP on 127.0.0.1, with the embedded PostgreSQL where every ACD decision is checked afterwards.
 * The agent page and the wallboard are driven in headless chromium.
 */
class ContactCenterEndToEndTest {
    static final int SIP_PORT = 29150;
    static final int PHONE_PORT = 29152;
    static final String HOTLINE = "sip:hotline@127.0.0.1:" + SIP_PORT;
    static final String VIP = "+15550170";
    static Path work;
    static Server server;
    static TestPhone phone;
    static BaresipAgent ann, ben, cy, sue; // Sue: a supervisor's softphone (a SIP account with no queue skills)
    static CallRepository calls;
    static AcdRepository decisions;
    static Acd acd;
    static com.sun.net.httpserver.HttpServer webhook;
    static final List<String> webhookBodies = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-contact");
        Path operator = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operator);
        Files.writeString(operator.resolve("flows/hotline.yml"), """
                flow: hotline
                start: predict
                nodes:
                  predict:
                    predict_issue: { min_confidence: 0.3 }
                    found: confirm
                    none: pick
                  confirm:
                    confirm: "{{prediction.phrase}} Please say yes or no."
                    yes: pick
                    no: pick
                    unclear: pick
                    timeout_seconds: 4
                  pick:
                    menu: "For support press 1. For sales press 2."
                    options: { "1": to_support, "2": to_sales }
                    retries: 2
                    fallback: to_support
                  to_support: { queue: support, next: bye }
                  to_sales: { queue: sales, next: bye }
                  bye: { hangup: true }
                """);
        Files.writeString(operator.resolve("queues.yml"), """
                tiers: { vip: 5, gold: 1, standard: 0 }
                queues:
                  - name: support
                    skills: [support]
                    max_wait_seconds: 240
                    ring_timeout_seconds: 6
                    wrap_up_seconds: 4
                    callback_key: "1"
                    alert_wait_seconds: 5
                    announce_every_seconds: 10
                  - name: sales
                    skills: [sales]
                    strategy: longest-idle
                    max_wait_seconds: 240
                    ring_timeout_seconds: 3
                agents:
                  - username: "3101"
                    skills: { support: 5 }
                  - username: "3102"
                    skills: { sales: 5, support: 2 }
                  - username: "3103"
                    skills: { sales: 5 }
                """);
        webhook = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", ex -> {
            webhookBodies.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
        var config = TestConfigs.server(SIP_PORT, 50000, 60, work, operator.toString(), 500, false, 4)
                .withAcd(new ForesightConfig.Acd(2, 5, true, "sip:{number}@127.0.0.1:" + PHONE_PORT, 2, 5,
                        "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts"));
        server = new Server(config).start();
        calls = new CallRepository(server.database().dsl());
        decisions = new AcdRepository(server.database().dsl());
        acd = server.acd();
        var agents = new AgentRepository(server.database().dsl());
        for (String[] a : new String[][]{{"3101", "Ann"}, {"3102", "Ben"}, {"3103", "Cy"}, {"3109", "Sue (supervisor)"}}) {
            agents.upsert(a[0], a[1], "foresight", a[0] + "pw", Set.of());
        }
        new CustomerRepository(server.database().dsl()).insert(VIP, "Vera", "Ito", "vip");
        phone = new TestPhone(PHONE_PORT, 51000, true);
        Path voices = work.resolve("voices");
        ann = new BaresipAgent(work.resolve("ann"), "3101", "3101pw", SIP_PORT, 29160, 51400, Voices.wav8k("Support, this is Ann.", voices, 300, 160));
        ben = new BaresipAgent(work.resolve("ben"), "3102", "3102pw", SIP_PORT, 29164, 51600, Voices.wav8k("Sales, Ben speaking.", voices, 300, 160), 29172);
        cy = new BaresipAgent(work.resolve("cy"), "3103", "3103pw", SIP_PORT, 29168, 51800, Voices.wav8k("Cy here.", voices, 300, 160), 0, false);
        sue = new BaresipAgent(work.resolve("sue"), "3109", "3109pw", SIP_PORT, 29176, 52000, Voices.wav8k("Supervisor here, just listening.", voices, 300, 160));
        for (String user : new String[]{"3101", "3102", "3103", "3109"}) {
            await(user + " registered and logged in").atMost(Duration.ofSeconds(20)).until(() -> acd.state(user) == Acd.AgentState.AVAILABLE);
        }
    }

    @AfterAll
    static void stop() {
        for (var a : new BaresipAgent[]{ann, ben, cy, sue}) if (a != null) a.close();
        if (phone != null) phone.close();
        if (server != null) server.close();
        if (webhook != null) webhook.stop(0);
    }

    /** Every test starts with nobody waiting and no agent on a call, wrap-up over. */
    @BeforeEach
    void quiet() {
        await("no call in progress").atMost(Duration.ofSeconds(30)).until(() -> acd.snapshot().queues().stream().allMatch(q -> q.waiting().isEmpty())
                && acd.snapshot().agents().stream().noneMatch(a -> a.state() == Acd.AgentState.RINGING || a.state() == Acd.AgentState.ON_CALL
                || a.state() == Acd.AgentState.WRAP_UP));
    }

    /** Dials the hotline as {@code number} and picks queue {@code key} in the menu (after the prompt, as a person would). */
    static TestPhone.Line callAndPick(String number, char key, Instant since) throws Exception {
        var line = phone.dial(HOTLINE, number);
        line.awaitEndOfPrompt(Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofSeconds(30));
        line.press(key);
        await(number + " queued").atMost(Duration.ofSeconds(20)).until(() -> call(number, since) != null && call(number, since).queue() != null);
        return line;
    }

    static CallSummary call(String number, Instant since) {
        return calls.search(null, 100).stream().filter(c -> c.caller().equals(number) && !c.startedAt().isBefore(since)).findFirst().orElse(null);
    }

    static CallSummary awaitAgent(String number, Instant since, String agent) {
        return await(number + " answered by " + agent).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> call(number, since), c -> c != null && agent.equals(c.agent()));
    }

    @Test
    void vipCallerIsAnsweredBeforeStandardCallersWhoWaitedLongerAndTheAgentsWrapUpTimeIsRespected() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        acd.ready("3101", false, "test");
        acd.ready("3102", false, "test");
        try (var s1 = callAndPick("+15550161", '1', since)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> acd.waiting("support") == 1);
            try (var s2 = callAndPick("+15550162", '1', since)) {
                try (var vip = callAndPick(VIP, '1', since)) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> acd.waiting("support") == 3);
                    assertThat(acd.ready("3101", true, null)).isTrue(); // Ann is back: three callers wait for her alone

                    var v = awaitAgent(VIP, since, "3101");
                    assertThat(vip.voicedFramesDuring(Duration.ofSeconds(3))).as("the VIP hears Ann").isGreaterThan(20);
                    assertThat(call("+15550161", since).agent()).as("the standard callers still wait").isNull();
                    vip.close();
                    Instant vipEnded = Instant.now();
                    await().atMost(Duration.ofSeconds(5)).until(() -> acd.state("3101") == Acd.AgentState.WRAP_UP);

                    var first = awaitAgent("+15550161", since, "3101");
                    s1.close();
                    var second = awaitAgent("+15550162", since, "3101");
                    s2.close();
                    server.flushAcdStore();
                    var vEntry = decisions.entries(v.id()).getFirst();
                    var s1Entry = decisions.entries(first.id()).getFirst();
                    var s2Entry = decisions.entries(second.id()).getFirst();
                    assertThat(s1Entry.enteredAt()).as("the standard caller came first").isBefore(vEntry.enteredAt());
                    assertThat(vEntry.tier()).isEqualTo("vip");
                    assertThat(vEntry.answeredAt()).as("the VIP was answered first").isBefore(s1Entry.answeredAt());
                    assertThat(s1Entry.answeredAt()).isBefore(s2Entry.answeredAt());
                    assertThat(Duration.between(s2Entry.enteredAt(), s2Entry.answeredAt())).isGreaterThan(Duration.ofSeconds(10));
                    assertThat(calls.eventTypes(second.id())).as("the caller who waited over 10 s heard their position and wait")
                            .contains("position_announced");
                    assertThat(Duration.between(vipEnded, s1Entry.answeredAt())).as("Ann's 4 s wrap-up came before her next call")
                            .isGreaterThanOrEqualTo(Duration.ofMillis(3500));
                }
            }
        }
    }

    @Test
    void agentWhoDoesNotAnswerIsSkippedAndSetNotReadyAfterTwoMissedOffers() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        acd.ready("3103", true, null);
        acd.ready("3102", false, "test");
        acd.ready("3102", true, null); // Ben was idle for less time than Cy: longest-idle offers Cy first
        try (var c1 = callAndPick("+15550163", '2', since)) {
            var first = awaitAgent("+15550163", since, "3102");
            assertThat(acd.state("3103")).as("one miss is not enough").isEqualTo(Acd.AgentState.AVAILABLE);
            try (var c2 = callAndPick("+15550164", '2', since)) {
                await("Cy set not ready").atMost(Duration.ofSeconds(20)).until(() -> acd.state("3103") == Acd.AgentState.NOT_READY);
                assertThat(acd.snapshot().agents().stream().filter(a -> a.username().equals("3103")).findFirst().orElseThrow().reason())
                        .isEqualTo("missed_offers");
                c1.close();
                awaitAgent("+15550164", since, "3102");
                c2.close();
            }
            server.flushAcdStore();
            var agents = new AgentRepository(server.database().dsl());
            long cy = agents.findByUsername("3103").orElseThrow().id();
            long ben = agents.findByUsername("3102").orElseThrow().id();
            assertThat(decisions.offers(first.id())).extracting(o -> o.agentId() + ":" + o.result())
                    .as("Cy rang out, then Ben answered").containsExactly(cy + ":timeout", ben + ":answered");
            var reasons = server.database().dsl().select(AGENT_STATE_CHANGES.STATE, AGENT_STATE_CHANGES.REASON).from(AGENT_STATE_CHANGES)
                    .where(AGENT_STATE_CHANGES.AGENT_ID.eq(cy)).fetch(r -> r.value1() + ":" + r.value2());
            assertThat(reasons).contains("NOT_READY:missed_offers");
        }
    }

    @Test
    void callerWhoAsksForACallbackHangsUpIsCalledBackWhenAnAgentFreesAndBridgedToThatAgent() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        acd.ready("3102", false, "test");
        acd.ready("3101", true, null);
        try (var busy = callAndPick("+15550165", '1', since)) {
            awaitAgent("+15550165", since, "3101");
            try (var waiting = callAndPick("+15550166", '1', since)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> acd.waiting("support") == 1);
                waiting.press('1'); // "to be called back, press 1"
                await("Foresight hangs up after confirming the callback").atMost(Duration.ofSeconds(20)).until(waiting.call::isEnded);
            }
            assertThat(acd.snapshot().queues().stream().filter(q -> q.name().equals("support")).findFirst().orElseThrow().waiting())
                    .singleElement().satisfies(w -> assertThat(w.callback()).isTrue());
            assertThat(phone.incoming).as("no callback while Ann is busy").isEmpty();
            busy.close(); // Ann frees (after her wrap-up) and the callback is dialled
        }
        var back = phone.incoming.poll(30, TimeUnit.SECONDS);
        assertThat(back).as("the caller's phone rang back").isNotNull();
        try (back) {
            assertThat(back.call.callerNumber()).isEqualTo("foresight");
            await("the callback bridged to Ann").atMost(Duration.ofSeconds(30)).until(() -> acd.state("3101") == Acd.AgentState.ON_CALL);
            assertThat(back.voicedFramesDuring(Duration.ofSeconds(4))).as("the customer hears Ann").isGreaterThan(20);
        }
        var original = calls.search(null, 100).stream().filter(c -> c.caller().equals("+15550166") && "hotline".equals(c.flowName())
                && !c.startedAt().isBefore(since)).findFirst().orElseThrow(); // the callback leg has the same number, flow "callback"
        await("the callback's queue entry is closed").atMost(Duration.ofSeconds(10)).until(() -> {
            server.flushAcdStore();
            return decisions.entries(original.id()).stream().allMatch(e -> e.outcome() != null);
        });
        assertThat(original.status()).isEqualTo("completed");
        assertThat(decisions.callbacks(10)).filteredOn(c -> c.callId().equals(original.id())).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo("connected"));
        assertThat(decisions.entries(original.id())).singleElement().satisfies(e -> {
            assertThat(e.callback()).isTrue();
            assertThat(e.outcome()).isEqualTo("answered");
        });
        var leg = calls.search(null, 100).stream().filter(c -> "callback".equals(c.flowName()) && !c.startedAt().isBefore(since)).findFirst().orElseThrow();
        assertThat(leg.agent()).isEqualTo("3101");
        assertThat(calls.eventTypes(leg.id())).contains("callback_of", "agent_answered");
    }

    @Test
    void callerWhoHangsUpWhileWaitingIsCountedAsAbandonedWithTheTimeTheyWaited() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        acd.ready("3101", false, "test");
        acd.ready("3102", false, "test");
        long waitedMs;
        try (var line = callAndPick("+15550167", '1', since)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> acd.waiting("support") == 1);
            long t0 = System.nanoTime();
            Thread.sleep(4000);
            line.close();
            waitedMs = (System.nanoTime() - t0) / 1_000_000;
        }
        var c = await().atMost(Duration.ofSeconds(20)).until(() -> call("+15550167", since), x -> x != null && x.endedAt() != null);
        server.flushAcdStore();
        assertThat(decisions.entries(c.id())).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("abandoned");
            assertThat(e.waitMs()).as("waited ≈ the %d ms between being queued and hanging up", waitedMs).isBetween(waitedMs, waitedMs + 3000);
        });
        assertThat(acd.snapshot().queues().stream().filter(q -> q.name().equals("support")).findFirst().orElseThrow().lastHour().abandoned()).isPositive();
    }

    static WebDriver browser() {
        var service = new org.openqa.selenium.chrome.ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        var options = new org.openqa.selenium.chrome.ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio");
        return new org.openqa.selenium.chrome.ChromeDriver(service, options);
    }

    @Test
    void agentLogsInGoesReadySeesTheScreenPopWhenTheCallRingsAndSubmitsADisposition() throws Exception {
        acd.ready("3102", false, "test");
        acd.ready("3101", false, "test");
        String base = "http://127.0.0.1:" + server.httpPort();
        WebDriver b = browser();
        try {
            var wait = new WebDriverWait(b, Duration.ofSeconds(45));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            b.get(base + "/agent/login");
            b.findElement(By.id("username")).sendKeys("3101");
            b.findElement(By.id("password")).sendKeys("3101pw");
            b.findElement(By.id("login")).click();
            wait.until(d -> d.findElement(By.id("state")).getAttribute("data-state").equals("NOT_READY"));
            b.findElement(By.id("do-ready")).click();
            wait.until(d -> d.findElement(By.id("state")).getAttribute("data-state").equals("AVAILABLE"));

            Instant since = Instant.now().minusSeconds(1);
            try (var alice = phone.dial(HOTLINE, "+15550100")) { // Alice: an open refund for order 456
                alice.awaitEndOfPrompt(Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofSeconds(30));
                alice.say(Voices.pcm8k("yes", work.resolve("voices")));
                alice.awaitEndOfPrompt(Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofSeconds(30));
                alice.press('1');
                // No reload by the test: the page follows the call by server-sent events.
                wait.until(d -> d.findElements(By.id("screenpop")).size() == 1 && d.findElement(By.id("predicted")).getText().startsWith("refund"));
                // Once she is on the call the panel stays put until the call changes (it is redrawn on this agent's events only).
                wait.until(d -> "ON_CALL".equals(d.findElement(By.id("state")).getAttribute("data-state")));
                assertThat(b.findElement(By.tagName("h2")).getText()).contains("Alice Carter").contains("gold");
                assertThat(b.findElement(By.id("confirmed")).getText()).isEqualTo("yes: refund");
                assertThat(b.findElement(By.id("ivr-transcript")).getText()).as("what Alice said to the IVR").containsPattern("ye(s|ah)");
                assertThat(b.findElement(By.id("flow-path")).getText()).contains("predict → confirm → pick");
                assertThat(b.findElement(By.id("answers")).getText()).contains("When will my refund arrive?");
                assertThat(b.findElement(By.id("history")).getText()).contains("refund_requested");

                new Select(wait.until(d -> d.findElement(By.id("disposition")))).selectByVisibleText("follow_up");
                new Select(b.findElement(By.id("wrap-reason"))).selectByVisibleText("payment_failed");
                b.findElement(By.id("notes")).sendKeys("asked about a second charge");
                b.findElement(By.id("save-wrapup")).click();
                wait.until(d -> d.findElements(By.id("wrapped")).size() == 1);
                String callId = awaitAgent("+15550100", since, "3101").id();
                assertThat(calls.wrapUpOf(callId).map(w -> new String[]{w.disposition(), w.correctedReason(), w.notes()})).hasValueSatisfying(w -> assertThat(w).containsExactly("follow_up", "payment_failed", "asked about a second charge"));
                assertThat(calls.labelledCalls(1000)).as("the agent's reason is the predictor's label for this call")
                        .anySatisfy(l -> assertThat(l.reason()).isEqualTo("payment_failed"));
            }
        } finally {
            b.quit();
        }
    }

    @Test
    void wallboardShowsTheWaitingCallLiveAndRaisesTheLongWaitAlertWhenTheThresholdPasses() throws Exception {
        acd.ready("3101", false, "test");
        acd.ready("3102", false, "test");
        String base = "http://127.0.0.1:" + server.httpPort();
        String token = "supervisor-token-" + System.nanoTime();
        new foresight.db.audit.UserRepository(server.database().dsl()).upsert("sup", "supervisor", token);
        WebDriver b = browser();
        try {
            var wait = new WebDriverWait(b, Duration.ofSeconds(30));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            b.get(base + "/wallboard/login");
            b.findElement(By.id("token")).sendKeys(token);
            b.findElement(By.id("login")).click();
            wait.until(d -> d.findElements(By.id("queues")).size() == 1);
            // An earlier test's long wait may still be raised until the monitor's next look (every 2 s): the test starts once it is cleared.
            wait.until(d -> d.findElements(By.cssSelector("li.alert[data-kind='long_wait']")).isEmpty());
            int postedBefore = webhookBodies.size(); // only this test's alert counts below

            Instant since = Instant.now().minusSeconds(1);
            try (var line = callAndPick("+15550168", '1', since)) {
                String callId = call("+15550168", since).id();
                wait.until(d -> d.findElements(By.cssSelector("tr.waiting-call[data-call='" + callId + "']")).size() == 1);
                wait.until(d -> "1".equals(d.findElement(By.cssSelector("tr.queue[data-queue='support']")).getAttribute("data-waiting"))); // redrawn every 2 s
                wait.until(d -> d.findElements(By.cssSelector("li.alert[data-kind='long_wait'][data-queue='support']")).size() == 1);
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).containsPattern("foresight_queue_alert\\{kind=\"long_wait\",queue=\"support\"} 1\\.0");
                await("the alert was POSTed to the webhook").atMost(Duration.ofSeconds(10))
                        .until(() -> webhookBodies.stream().skip(postedBefore).anyMatch(s -> s.contains("\"type\":\"alert_raised\"")
                                && s.contains("\"kind\":\"long_wait\"") && s.contains("\"queue\":\"support\"")));

                var api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/queues"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(api.statusCode()).isEqualTo(200);
                assertThat(api.body()).contains("\"callId\":\"" + callId + "\"").contains("\"position\":1").contains("long_wait");
            }
            // This server transcribes nothing itself (transcription.enabled false): every ended call waits for a worker.
            var transcripts = new foresight.db.transcript.TranscriptRepository(server.database().dsl());
            wait.until(d -> transcripts.backlog() > 0
                    && String.valueOf(transcripts.backlog()).equals(d.findElement(By.id("transcription")).getAttribute("data-backlog")));
            assertThat(b.findElement(By.id("transcription")).getText()).contains("waiting to be transcribed");
            wait.until(d -> d.findElements(By.cssSelector("li.alert[data-kind='long_wait'][data-queue='support']")).isEmpty());
        } finally {
            b.quit();
        }
    }

    @Test
    void queueApiAndEventStreamAreForSupervisorsOnly() throws Exception {
        acd.ready("3103", true, null); // Cy available whatever an earlier test left (missed offers set her not ready), so the change below is one
        var users = new foresight.db.audit.UserRepository(server.database().dsl());
        users.upsert("qa-only", "qa", "qa-only-token");
        var http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.httpPort();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/queues")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/queues")).header("Authorization", "Bearer qa-only-token").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/events")).header("Authorization", "Bearer qa-only-token")
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        users.upsert("crm", "supervisor", "crm-token");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/events")).header("Authorization", "Bearer crm-token").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("not asking for an event stream").isEqualTo(406);
        var stream = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events")).header("Authorization", "Bearer crm-token")
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body()))) {
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    boolean subscribed = false;
                    while ((line = in.readLine()) != null) {
                        if (!subscribed && line.startsWith(":") && line.contains("connected")) {
                            subscribed = true; // the stream is following the ACD now: change an agent's state
                            assertThat(acd.ready("3103", false, "crm-test")).isTrue();
                        }
                        if (line.startsWith("data:") && line.contains("\"agent\":\"3103\"") && line.contains("crm-test")) return true;
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            }, r -> Thread.ofVirtual().start(r));
            assertThat(reading.get(15, TimeUnit.SECONDS)).as("the CRM read Cy's state change from the stream").isTrue();
        }
        acd.ready("3103", true, null);
    }

    @Test
    void agentWithOnlyAPhoneLogsOutAndInWithFeatureCodesAndStrangersCannot() throws Exception {
        assertThat(acd.ready("3102", true, null) || acd.state("3102") == Acd.AgentState.AVAILABLE).isTrue();
        assertThat(ben.command("dial", "sip:*42@127.0.0.1:" + SIP_PORT)).contains("\"ok\":true");
        await("*42 logged Ben out").atMost(Duration.ofSeconds(20)).until(() -> acd.state("3102") == Acd.AgentState.LOGGED_OUT);
        assertThat(ben.command("dial", "sip:*41@127.0.0.1:" + SIP_PORT)).contains("\"ok\":true");
        await("*41 logged Ben in").atMost(Duration.ofSeconds(20)).until(() -> acd.state("3102") == Acd.AgentState.AVAILABLE);
        // A caller who is not an agent gets the challenge and, without credentials, no feature.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> phone.dial("sip:*42@127.0.0.1:" + SIP_PORT, "3102"))
                .hasMessageContaining("status:407");
        assertThat(acd.state("3102")).isEqualTo(Acd.AgentState.AVAILABLE);
    }

    @Test
    void supervisorsPhoneListensInOnALiveCallHearingTheCallerWhileTheCallerDoesNotHearTheSupervisor() throws Exception {
        acd.ready("3102", false, "test");
        acd.ready("3101", true, null);
        String token = "monitor-token-" + System.nanoTime();
        new foresight.db.audit.UserRepository(server.database().dsl()).upsert("sup-monitor", "supervisor", token);
        Instant since = Instant.now().minusSeconds(1);
        try (var caller = callAndPick("+15550169", '1', since)) {
            var c = awaitAgent("+15550169", since, "3101");
            caller.voicedFramesDuring(Duration.ofSeconds(3)); // Ann's greeting
            var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                    + "/api/calls/" + c.id() + "/monitor?phone=3109&mode=listen")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            await("Sue's phone answered").atMost(Duration.ofSeconds(15)).until(() -> sue.heardWav().isPresent());
            caller.say(Voices.pcm8k("I would like to ask about the invoice I got last week", work.resolve("voices")));
            assertThat(caller.voicedFramesDuring(Duration.ofSeconds(5))).as("the caller does not hear the supervisor's greeting").isLessThan(10);
        }
        await("the monitoring leg ended with the call").atMost(Duration.ofSeconds(15))
                .until(() -> calls.eventTypes(call("+15550169", since).id()).contains("monitor_ended"));
        short[] heard = foresight.recording.wav.WavReader.read(sue.heardWav().orElseThrow()).channels()[0];
        int voiced = 0;
        for (int i = 0; i + 160 <= heard.length; i += 160) if (Voices.rms(heard, i, i + 160) > 300) voiced++;
        assertThat(voiced).as("Sue heard the caller's sentence (and Ann's line)").isGreaterThan(60);
    }
}
