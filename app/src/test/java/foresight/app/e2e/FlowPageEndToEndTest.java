package foresight.app.e2e;

import foresight.app.Server;
import foresight.db.audit.UserRepository;
import foresight.db.call.CallRepository;
import foresight.db.call.CallSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operators' flow page in a real browser, after real calls: every node of the hotline is drawn, each with the
 * number of callers the test sent through it, the edges they took and where they hung up; clicking a node shows its
 * YAML lines; an admin rolls an edit back with the page's button. Ports 46000-46999.
 */
class FlowPageEndToEndTest {
    static final int SIP_PORT = 46010;
    static final String HOTLINE = "sip:hotline@127.0.0.1:" + SIP_PORT;
    static Path work;
    static Path operatorDir;
    static Server server;
    static TestPhone phone;
    static CallRepository calls;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("foresight-flowpage");
        operatorDir = work.resolve("operator");
        HotlineEndToEndTest.copy(Path.of("../examples/hotline"), operatorDir);
        var config = TestConfigs.server(SIP_PORT, 46100, 46399, 60, work, operatorDir.toString(), 200, false, 1);
        server = new Server(config).start();
        calls = new CallRepository(server.database().dsl());
        new UserRepository(server.database().dsl()).upsert("reviewer2", "qa", "qa2-token");
        phone = new TestPhone(46012, 46500);
    }

    @AfterAll
    static void stop() {
        if (phone != null) phone.close();
        if (server != null) server.close();
    }

    /** Dials the hotline from {@code from}, hangs up once the call has reached {@code node}, and waits for the call row to end. */
    static CallSummary callAndHangUpAt(String from, String node) throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var line = phone.dial(HOTLINE, from)) {
            CallSummary c = await(from + " reaches " + node).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                    .until(() -> calls.search(null, 50).stream().filter(x -> x.caller().equals(from) && !x.startedAt().isBefore(since)).findFirst()
                            .filter(x -> calls.events(x.id()).stream().anyMatch(e -> e.type().equals("node") && e.detail().contains("\"" + node + "\""))),
                            java.util.Optional::isPresent).orElseThrow();
            line.call.hangUp("caller gives up at " + node);
            return await("call row ended").atMost(Duration.ofSeconds(20)).until(() -> calls.find(c.id()).orElseThrow(), x -> !"active".equals(x.status()));
        }
    }

    @Test
    void theFlowPageDrawsEveryNodeWithTheCallsPlacedAndAnAdminRollsBackFromIt() throws Exception {
        // Two known callers hang up at the confirmation, an unknown one at the open question.
        for (String from : new String[] {"+15550100", "+15550101"}) {
            assertThat(disposition(callAndHangUpAt(from, "confirm_prediction"))).isEqualTo("caller_hung_up");
        }
        assertThat(disposition(callAndHangUpAt("+15550199", "ask_reason"))).isEqualTo("caller_hung_up");

        String base = "http://127.0.0.1:" + server.httpPort();
        String opsToken;
        try (HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
            // The admin makes an operator (what `foresight user ops --role operator` asks a running server).
            var created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/users/ops?role=operator"))
                    .header("Authorization", "Bearer " + server.newAdminToken()).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            var m = java.util.regex.Pattern.compile("\"token\":\"([0-9a-f]+)\"").matcher(created.body());
            assertThat(m.find()).as(created.body()).isTrue();
            opsToken = m.group(1);
            var byOperator = http.send(HttpRequest.newBuilder(URI.create(base + "/api/users/eve?role=admin"))
                    .header("Authorization", "Bearer " + opsToken).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(byOperator.statusCode()).as("only admins make users").isEqualTo(403);
            var anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/flows")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("no session: to the login page").isEqualTo(302);
            assertThat(anonymous.headers().firstValue("Location")).hasValue("/flows/login");
            var qa = http.send(HttpRequest.newBuilder(URI.create(base + "/flows")).header("Authorization", "Bearer qa2-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(qa.statusCode()).as("a QA reviewer may not see the flows").isEqualTo(403);
            var opRollback = http.send(HttpRequest.newBuilder(URI.create(base + "/flows/rollback/" + server.health().get("flowVersion")))
                    .header("Authorization", "Bearer " + opsToken).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(opRollback.statusCode()).as("operators may not roll back").isEqualTo(403);
        }

        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        var options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1600,2400");
        WebDriver browser = new ChromeDriver(service, options);
        try {
            var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            login(browser, wait, base, opsToken);
            WebElement flow = browser.findElement(By.id("flow-hotline"));
            assertThat(flow.findElement(By.id("calls-hotline")).getText()).isEqualTo("3");
            var hotline = foresight.flows.load.OperatorFiles.load(operatorDir).flows().get("hotline");
            for (String node : hotline.steps().keySet()) {
                assertThat(flow.findElements(By.cssSelector("svg g.node[data-node='" + node + "']"))).as("node " + node + " is drawn").hasSize(1);
            }
            Map<String, Integer> expected = Map.of("greet", 3, "predict", 3, "confirm_prediction", 2, "ask_reason", 1);
            for (String node : hotline.steps().keySet()) {
                WebElement g = flow.findElement(By.cssSelector("svg g.node[data-node='" + node + "']"));
                assertThat(g.getDomAttribute("data-callers")).as("callers at " + node).isEqualTo(String.valueOf(expected.getOrDefault(node, 0)));
                WebElement row = flow.findElement(By.id("row-hotline-" + node));
                assertThat(row.getDomAttribute("data-callers")).isEqualTo(String.valueOf(expected.getOrDefault(node, 0)));
            }
            assertThat(node(flow, "confirm_prediction").getDomAttribute("data-hangups")).isEqualTo("2");
            assertThat(node(flow, "ask_reason").getDomAttribute("data-hangups")).isEqualTo("1");
            assertThat(node(flow, "confirm_prediction").getDomAttribute("class")).as("the node most callers hung up at is hot").contains("hot");
            assertThat(node(flow, "greet").getDomAttribute("class")).doesNotContain("hot");
            assertThat(edge(flow, "greet", "predict")).isEqualTo("3");
            assertThat(edge(flow, "predict", "confirm_prediction")).isEqualTo("2");
            assertThat(edge(flow, "predict", "ask_reason")).isEqualTo("1");
            assertThat(edge(flow, "confirm_prediction", "route")).isEqualTo("0");
            assertThat(node(flow, "confirm_prediction").getText()).contains("2 callers · 2 hung up");

            // Clicking a node shows its YAML lines with file:line.
            node(flow, "menu").click();
            WebElement yaml = flow.findElement(By.id("yaml-view-hotline"));
            int line = hotline.step("menu").line();
            assertThat(yaml.getText()).contains("hotline.yml:" + line, "menu:", "\"1\": pick_refund").doesNotContain("pick_refund:\n");
            assertThat(browser.findElements(By.cssSelector("button.rollback"))).as("operators get no rollback button").isEmpty();
            browser.findElement(By.id("logout")).click();
            wait.until(x -> x.getCurrentUrl().endsWith("/flows/login"));

            // An admin rolls an edit back with the page's button.
            String original = (String) server.health().get("flowVersion");
            Path file = operatorDir.resolve("flows/hotline.yml");
            Files.writeString(file, Files.readString(file).replace("Thank you for calling Foresight Bank.", "Welcome to Foresight Bank."));
            await("edited version live").atMost(Duration.ofSeconds(10)).until(() -> !original.equals(server.health().get("flowVersion")));
            login(browser, wait, base, server.newAdminToken());
            browser.findElement(By.id("rollback-" + original)).click();
            wait.until(x -> x.findElements(By.id("message")).size() == 1);
            assertThat(browser.findElement(By.id("message")).getText()).contains("Rolled back to " + original);
            await("original version live again").atMost(Duration.ofSeconds(10)).until(() -> original.equals(server.health().get("flowVersion")));
            assertThat(Files.readString(file)).contains("Thank you for calling Foresight Bank.");
            browser.navigate().refresh();
            assertThat(browser.findElement(By.id("live-version")).getText()).isEqualTo(original);
        } finally {
            browser.quit();
        }
    }

    /** The disposition the call's {@code ended} event carries. */
    static String disposition(CallSummary c) { return dispositionOf(calls, c); }

    /** As {@link #disposition(CallSummary)}, reading {@code calls}. */
    static String dispositionOf(CallRepository calls, CallSummary c) {
        String detail = await("ended event").atMost(Duration.ofSeconds(10)).until(() -> calls.events(c.id()).stream().filter(e -> e.type().equals("ended"))
                .map(e -> e.detail()).findFirst().orElse(null), java.util.Objects::nonNull);
        var m = java.util.regex.Pattern.compile("\"disposition\":\\s*\"([^\"]+)\"").matcher(detail);
        assertThat(m.find()).as(detail).isTrue();
        return m.group(1);
    }

    static void login(WebDriver browser, WebDriverWait wait, String base, String token) {
        browser.get(base + "/flows");
        wait.until(x -> x.getCurrentUrl().endsWith("/flows/login"));
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("login")).click();
        wait.until(x -> x.getCurrentUrl().endsWith("/flows") && !x.findElements(By.id("flow-hotline")).isEmpty());
    }

    static WebElement node(WebElement flow, String id) { return flow.findElement(By.cssSelector("svg g.node[data-node='" + id + "']")); }

    static String edge(WebElement flow, String from, String to) {
        return flow.findElement(By.cssSelector("svg g.edge[data-from='" + from + "'][data-to='" + to + "']")).getDomAttribute("data-count");
    }
}
