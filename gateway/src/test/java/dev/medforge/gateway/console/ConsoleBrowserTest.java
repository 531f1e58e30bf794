package dev.medforge.gateway.console;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import dev.medforge.gateway.config.GatewayConfig;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.gateway.GatewayFixtures.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser: headless chromium signs in through Keycloak's own login form
 * (authorization code flow with PKCE) and reads pages the gateway renders from the real registry.
 */
@QuarkusTest
class ConsoleBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    ArtifactStore store;

    @Inject
    GatewayConfig config;

    private String base() {
        // Keycloak accepts the console's redirects on 127.0.0.1 only, as its issuer is spelled.
        return "http://127.0.0.1:" + root.getPort();
    }

    @Test
    void aContributorSeesTheBranchsVersionsLineageMetricChartsAndModelCard() throws Exception {
        String branch = GatewayFixtures.newBranch();
        registerTask(branch, "hospital-a", "tops");
        registerTask(branch, "hospital-b", "footwear");
        AdapterRef tops = new AdapterRef("sub-a-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
        // Other bytes than tops': the registry refuses the same adapter twice.
        String otherBytes = store.put(("footwear adapter of " + branch).getBytes(StandardCharsets.UTF_8)).toString();
        AdapterRef footwear = new AdapterRef("sub-b-" + UUID.randomUUID(), "hospital-b", "footwear", otherBytes,
                GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
        publish(branch, 0, "fusion", List.of(tops), Map.of(tops.submissionId(), 1.0), Map.of("tops", new TaskMetrics(0.91, 0.97, 2000)));
        awaitVersion(branch, 1);
        // Built on v0 after v1 took the head: the registry sends it back for a rebase, a mark under v1.
        publish(branch, 0, "fusion", List.of(tops), Map.of(tops.submissionId(), 1.0), Map.of("tops", new TaskMetrics(0.92, 0.97, 2000)));

        try (Browser browser = new Browser(base()).signIn("hospital-a")) {
            WebElement row = browser.waitFor(By.cssSelector("#branches tr[data-branch='" + branch + "']"));
            assertTrue(row.getText().contains("v1"), "the branches page does not show head v1: " + row.getText());
            browser.loadMillis();

            browser.open("/console/branches/" + branch);
            browser.loadMillis();
            browser.waitFor(By.cssSelector("#versions tr[data-version='1']"));
            // Published while the page is open: the page follows the notification stream and shows it without being asked.
            // The branch's policy says fusion: a mixture published after it is the fallback the lineage marks.
            long published = System.nanoTime();
            publish(branch, 1, "mixture", List.of(tops, footwear), Map.of(tops.submissionId(), 0.5, footwear.submissionId(), 0.5),
                    Map.of("tops", new TaskMetrics(0.89, 0.96, 2000), "footwear", new TaskMetrics(0.88, 0.95, 2000)));
            browser.waiting(Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector("#versions tr[data-version='2']")).isEmpty());
            System.out.printf("version 2 appeared on the open branch page %d ms after the composite was sent%n",
                    (System.nanoTime() - published) / 1_000_000);
            List<Integer> registryVersions = given().auth().oauth2(KeycloakTokens.userToken("viewer"))
                    .get("/api/v1/branches/{b}/versions", branch).then().statusCode(200).extract().path("version");
            browser.waitFor(By.id("lineage"));
            List<Integer> shown = browser.driver.findElements(By.cssSelector("#versions tbody tr[data-version]")).stream()
                    .map(tr -> Integer.parseInt(tr.getAttribute("data-version"))).toList();
            assertEquals(registryVersions.stream().sorted().toList(), shown, "the versions table differs from the registry's versions");

            WebElement lineage = browser.waitFor(By.id("lineage"));
            List<WebElement> nodes = lineage.findElements(By.cssSelector("g.version"));
            assertEquals(2, nodes.size(), "one lineage node per version");
            assertFalse(nodes.get(0).getAttribute("class").contains("fallback"), "v1 was the policy's own strategy");
            assertTrue(nodes.get(1).getAttribute("class").contains("fallback"), "v2 fell back to a mixture and is not marked");
            assertTrue(nodes.get(1).getText().contains("hospital-b · footwear"), "v2's lineage does not name what it added: "
                    + nodes.get(1).getText());
            assertEquals(1, nodes.get(0).findElements(By.tagName("line")).size(), "no arrow from v1 to v2");
            List<WebElement> rebased = nodes.get(0).findElements(By.cssSelector(".mark.rebase"));
            assertEquals(List.of("1 rebased"), rebased.stream().map(WebElement::getText).toList(),
                    "the composite sent back for a rebase is not marked under v1");

            // ECharts draws into an SVG of its own: a drawn line series is a <path> with a non-empty outline.
            for (String chart : List.of("accuracy-chart", "auc-chart")) {
                browser.waiting(Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector("#" + chart + " svg path")).isEmpty());
            }
            browser.screenshot("branch-page");
            // A drawn series line: a path without fill in the first series colour (tops, two versions) through two points.
            for (String chart : List.of("accuracy-chart", "auc-chart")) {
                String paths = (String) browser.driver.executeScript("return Array.from(document.querySelectorAll('#" + chart
                        + " svg path')).map(p => [p.getAttribute('fill'), p.getAttribute('stroke'), p.getAttribute('d')].join(' ')).join('; ')");
                long lines = (Long) browser.driver.executeScript("return Array.from(document.querySelectorAll('#" + chart
                        + " svg path')).filter(p => p.getAttribute('fill') === 'none' && p.getAttribute('stroke') === '#5470c6'"
                        + " && /M[^L]+L/.test(p.getAttribute('d') || '')).length");
                assertTrue(lines >= 1, chart + " has no line drawn for tops across v1 and v2; its paths (fill stroke d): " + paths);
            }
            // The gate's limit: a dashed line labelled with its task.
            String accuracyText = (String) browser.driver.executeScript("return document.querySelector('#accuracy-chart svg').textContent");
            long dashed = (Long) browser.driver.executeScript(
                    "return document.querySelectorAll('#accuracy-chart svg path[stroke-dasharray]').length");
            assertTrue(accuracyText.contains("gate tops") && dashed >= 1,
                    "the gate's limit is not drawn on the accuracy chart: " + dashed + " dashed paths, text " + accuracyText);

            WebElement card = browser.waitFor(By.id("model-card"));
            assertTrue(card.getText().contains("mixture") && card.getText().contains("hospital-b"), "the head's model card: " + card.getText());

            browser.screenshot("metric-charts", browser.driver.findElement(By.cssSelector(".charts")));

            // Failing the gate alone on the head: gated out, shown after v2 as waiting for v3, with the gate's reasons.
            GatewayFixtures.failGate(branch, 2, new AdapterRef("sub-a-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                    GatewayFixtures.DIGEST, GatewayFixtures.DIGEST), "tops lost 3.1 points against version 2");
            WebElement next = browser.waiting(Duration.ofSeconds(30)).until(d -> {
                d.navigate().refresh();
                return d.findElements(By.cssSelector("#lineage g.next[data-version='3']")).stream().findFirst().orElse(null);
            });
            assertEquals(List.of("gated out: tops", "tops lost 3.1 points against", "version 2"),
                    next.findElements(By.cssSelector(".mark, .mark-reason")).stream().map(WebElement::getText).toList());
            browser.screenshot("lineage", browser.waitFor(By.id("lineage")));
        }
    }

    @Test
    void aSubmissionMadeThroughTheApiMovesToPublishedOnTheOpenPageAndHospitalBNeverSeesIt() throws Exception {
        String branch = GatewayFixtures.newBranch();
        registerTask(branch, "hospital-a", "tops");
        String id;
        try (Browser browser = new Browser(base()).signIn("hospital-a")) {
            browser.open("/console/submissions");
            browser.waiting(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("live")).getText().equals("live"));
            // Set on this page only: a reload would drop it.
            browser.driver.executeScript("window.medforgeNoReload = true;");

            id = GatewayFixtures.submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of())
                    .post("/api/v1/branches/{b}/submissions", branch).then().statusCode(202).extract().path("submissionId");
            By stage = By.cssSelector("#submissions tr[data-submission='" + id + "'] .stage");
            browser.waiting(Duration.ofSeconds(30)).until(d -> !d.findElements(stage).isEmpty()
                    && d.findElement(stage).getText().equals("RECEIVED"));

            TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(id, "hospital-a", branch,
                    SubmissionStatus.Stage.VALIDATED, "the adapter passed ingest's checks")));
            browser.waiting(Duration.ofSeconds(30)).until(d -> d.findElement(stage).getText().equals("VALIDATED"));
            AdapterRef adapter = new AdapterRef(id, "hospital-a", "tops", GatewayFixtures.DIGEST, GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
            publish(branch, 0, "fusion", List.of(adapter), Map.of(id, 1.0), Map.of("tops", new TaskMetrics(0.9, 0.96, 2000)));
            browser.waiting(Duration.ofSeconds(60)).until(d -> d.findElement(stage).getText().equals("PUBLISHED"));

            String happened = browser.driver.findElement(By.cssSelector("#submissions tr[data-submission='" + id + "'] .detail")).getText();
            assertTrue(happened.startsWith("part of a published version") && happened.contains("version 1"),
                    "what happened, in plain words and the registry's: " + happened);
            assertEquals(Boolean.TRUE, browser.driver.executeScript("return window.medforgeNoReload === true;"),
                    "the page was reloaded; the status must arrive over the event stream");
            String history = browser.driver.findElement(By.cssSelector("#submissions tr[data-submission='" + id + "'] ol")).getText();
            assertTrue(history.contains("RECEIVED") && history.contains("VALIDATED") && history.contains("PUBLISHED"),
                    "the status history: " + history);
            browser.screenshot("my-submissions");
        }

        String ownOfB = GatewayFixtures.submission(KeycloakTokens.userToken("hospital-b"), "footwear", Map.of())
                .post("/api/v1/branches/{b}/submissions", branch).then().statusCode(202).extract().path("submissionId");
        try (Browser browser = new Browser(base()).signIn("hospital-b")) {
            // hospital-b's own submission shows, so the page works for it: hospital-a's is missing because it is not theirs.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                browser.open("/console/submissions");
                return browser.waitFor(By.id("submissions")).getText().contains(ownOfB);
            });
            String page = browser.driver.getPageSource();
            assertFalse(page.contains(id), "hospital-b's console shows hospital-a's submission " + id);
        }
    }

    @Test
    void aViewerCannotOpenOperationsWhileTheOperatorSeesLagDeadLettersAndHealth() throws Exception {
        try (Browser browser = new Browser(base()).signIn("viewer")) {
            assertTrue(browser.driver.findElements(By.id("nav-operations")).isEmpty(), "a viewer's menu offers operations");
            assertTrue(browser.driver.findElements(By.id("nav-submissions")).isEmpty(), "a viewer's menu offers submissions");
            browser.open("/console/operations");
            browser.waitFor(By.id("forbidden"));
            assertTrue(browser.driver.findElements(By.id("dlq")).isEmpty(), "the viewer was shown the DLQ counts");
            browser.open("/console/submissions");
            browser.waitFor(By.id("forbidden"));
            assertTrue(browser.driver.findElements(By.id("submissions")).isEmpty(), "a viewer was shown a submissions list");
            Object status = browser.driver.executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; fetch('/console/operations').then(r => done(r.status));");
            assertEquals(403L, status, "the operations page for a viewer");

            // Signing out ends the session at Keycloak too: the console asks for the login form again.
            browser.driver.findElement(By.id("sign-out")).click();
            browser.waiting(Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("/protocol/openid-connect/"));
            browser.open("/console");
            browser.waiting(Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("/protocol/openid-connect/auth")
                    && !d.findElements(By.id("username")).isEmpty());
        }
        try (Browser browser = new Browser(base()).signIn("ops");
             KafkaConsumer<String, String> merge = GatewayFixtures.mergeWorkerStandIn(config.mergeWorkersGroup(), "console-merge-stand-in");
             KafkaConsumer<String, String> eval = GatewayFixtures.consumerStandIn(config.evalGroup(), "console-eval-stand-in",
                     Topics.COMPOSITE_CREATED)) {
            // Something for the registry to consume, so that the page has a queue wait to show.
            AdapterRef adapter = new AdapterRef("sub-ops-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                    GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
            publish(GatewayFixtures.newBranch(), 0, "fusion", List.of(adapter), Map.of(), Map.of());
            browser.driver.findElement(By.id("nav-operations")).click();
            WebElement dlq = browser.waitFor(By.id("dlq"));
            browser.loadMillis();
            assertEquals(Topics.ALL.size(), dlq.findElements(By.cssSelector("tbody tr[data-topic]")).size(), "one DLQ row per pipeline topic");
            // The counts come from the DLQs' offsets; the API reads every record. Other tests may add records meanwhile: read again.
            String ops = KeycloakTokens.userToken("ops");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                browser.driver.navigate().refresh();
                for (String topic : Topics.ALL) {
                    int records = given().auth().oauth2(ops).queryParam("topic", topic).get("/api/v1/ops/dlq").then()
                            .statusCode(200).extract().path("records.size()");
                    String shown = browser.driver.findElement(By.cssSelector("#dlq tr[data-topic='" + topic + "'] td:last-child")).getText();
                    assertEquals(String.valueOf(records), shown, "the DLQ count of " + topic);
                }
            });
            assertTrue(List.of("UP", "DOWN").contains(browser.driver.findElement(By.id("health")).getText()), "no overall health shown");
            assertFalse(browser.driver.findElements(By.cssSelector("#checks tbody tr")).isEmpty(), "no health checks listed");
            // The registry the gateway calls runs; no ingest service does in the gateway's tests.
            assertEquals("UP", browser.driver.findElement(By.cssSelector("#parts tr[data-part='registry-service'] td:nth-child(3)")).getText());
            assertEquals("UNREACHABLE",
                    browser.driver.findElement(By.cssSelector("#parts tr[data-part='adapter-ingest-service'] td:nth-child(3)")).getText());
            String mergeLag = browser.waitFor(By.id("lag-merge")).getText();
            assertTrue(mergeLag.contains("console-merge-stand-in") && mergeLag.contains(Topics.ADAPTER_VALIDATED),
                    "the stand-in merge worker's partitions are not listed: " + mergeLag);
            String evalLag = browser.waitFor(By.id("lag-eval")).getText();
            assertTrue(evalLag.contains("console-eval-stand-in") && evalLag.contains(Topics.COMPOSITE_CREATED),
                    "the stand-in eval consumer's partitions are not listed: " + evalLag);
            By evaluatedWait = By.cssSelector("#timings tr.queue-wait[data-topic='" + Topics.COMPOSITE_EVALUATED + "']");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                browser.driver.navigate().refresh();
                return !browser.driver.findElements(evaluatedWait).isEmpty();
            });
            List<WebElement> cells = browser.driver.findElement(evaluatedWait).findElements(By.tagName("td"));
            assertTrue(Integer.parseInt(cells.get(1).getText()) > 0, "no queue wait counted: " + cells.get(1).getText());
            assertTrue(cells.get(4).getText().endsWith(" s"), "no 95th percentile: " + cells.get(4).getText());
            assertTrue(browser.driver.findElements(By.cssSelector(".unread")).stream()
                    .anyMatch(e -> e.getText().contains("adapter-ingest-service")), "the unreachable ingest service's metrics are not named");
            browser.screenshot("operations");
        }
    }

    private static void registerTask(String branch, String user, String task) {
        given().auth().oauth2(KeycloakTokens.userToken(user)).contentType(ContentType.JSON)
                .body(Map.of("name", task, "classNames", List.of("one", "two"), "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then().statusCode(201);
    }

    private static void awaitVersion(String branch, int version) {
        String viewer = KeycloakTokens.userToken("viewer");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions", branch).then().body("version", hasItem(version)));
    }
}
