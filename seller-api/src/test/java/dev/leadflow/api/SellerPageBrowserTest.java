package dev.leadflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.avro.SalesActivity;
import dev.leadflow.avro.SalesActivityType;
import dev.leadflow.queue.HandoffQueue;
import dev.leadflow.queue.RedisConfig;
import dev.leadflow.schemas.AvroWireDeserializer;
import dev.leadflow.schemas.RegistryConfig;
import dev.leadflow.schemas.Topics;
import dev.leadflow.testkit.kafka.KafkaBrokerExtension;
import dev.leadflow.testkit.redis.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The seller page in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) driven by Selenium, against the real service, redis-server and Kafka.
 * Without Chromium this test fails: it must never pass by not running.
 */
class SellerPageBrowserTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Path CHROMIUM = Path.of(System.getProperty("leadflow.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("leadflow.chromedriver", "/usr/bin/chromedriver"));
    private static final String REGISTRY = "mock://seller-page-test";
    private static final String Q = "team-a";
    private static final String SLA_Q = "team-a-sla";
    private static final String ASSIGN_Q = "team-a-assign";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static SellerApi api;
    private static HandoffQueue queue;
    private static ChromeDriverService driverService;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as("Chromium at " + CHROMIUM
                + ": install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)").isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER)).as("chromedriver at " + CHROMEDRIVER
                + ": install Debian's chromium-driver (apt-get install -y chromium chromium-driver)").isTrue();
        KAFKA.broker().createTopics(1, Topics.SALES);
        // a queue with a response target of a few seconds, to watch a lead pass it
        Path queues = Files.writeString(dir.resolve("queues.yaml"), SLA_Q + ":\n  targets:\n    - {kind: any, target: 6s}\n"
                + ASSIGN_Q + ":\n  assignment: {acceptWithin: 20s}\n");
        api = SellerApi.start(SellerApiConfig.defaults(TestUsers.write(dir)).withPort(0).withRedisUri(REDIS.uri())
                .withKafka(KAFKA.broker().bootstrapServers(), Map.of()).withRegistry(REGISTRY, null, null)
                .withQueues(queues).withEscalationInterval(Duration.ofMillis(200)));
        queue = HandoffQueue.connect(RedisConfig.fromUri(REDIS.uri()), HandoffQueue.Options.defaults());
        // the driver binary is given, so Selenium Manager never looks for (or downloads) one
        driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")), "--window-size=1280,900");
        browser = new ChromeDriver(driverService, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (api != null) {
            api.close();
        }
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void aSellerSeesTheQueueLiveClaimsALeadSeesItsContactAndAcceptsIt() {
        TestLeads.enqueue(queue, Q, "lead-1", 20);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get("http://localhost:" + api.port() + "/");

        browser.findElement(By.id("token")).sendKeys(TestUsers.A1, Keys.ENTER);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "Live"));
        wait.until(ExpectedConditions.presenceOfElementLocated(lead("lead-1")));
        assertThat(new Select(browser.findElement(By.id("queue-select"))).getFirstSelectedOption().getAttribute("value"))
                .as("the first queue with leads waiting").isEqualTo(Q);

        // a lead enqueued while the page is open appears, best first, without a reload
        js("window.leadflowTestMarker = 'still the same page';");
        TestLeads.enqueue(queue, Q, "lead-2", 90);
        wait.until(ExpectedConditions.presenceOfElementLocated(lead("lead-2")));
        List<WebElement> items = browser.findElements(By.cssSelector("#leads > li"));
        assertThat(items).extracting(e -> e.getAttribute("data-lead-id")).containsExactly("lead-2", "lead-1");
        assertThat(items.get(0).getText()).contains("Acme lead-2", "VP Engineering", "A1",
                "Viewed pricing 3 times in the last 24 h, +24");
        // both people are of one account (acme.example, 2 engaged): a committee, not two unrelated cards
        assertThat(items).allSatisfy(i -> assertThat(i.getText())
                .contains("Buying committee: 2 engaged people at acme.example, 2 waiting here"));
        assertThat(js("return window.leadflowTestMarker;")).isEqualTo("still the same page");
        assertThat(browser.findElement(By.id("leads")).getText()).doesNotContain("@acme.example", "Person lead-", "Colleague of");
        // each card sums up the lead's story: the newest thing that happened and how much did lately
        assertThat(items.get(0).findElement(By.className("story-summary")).getText())
                .isEqualTo("Latest: Viewed pricing (1 min ago) · 3 events in the last 30 days");

        // claim with the keyboard: the best lead, with its contact details, and focus moves to it
        browser.findElement(By.id("claim")).sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("claimed")));
        assertThat(browser.findElement(By.id("claimed-email")).getText()).isEqualTo(TestLeads.email("lead-2"));
        assertThat(browser.findElement(By.id("claimed-email")).getAttribute("href")).isEqualTo("mailto:" + TestLeads.email("lead-2"));
        assertThat(browser.findElement(By.id("claimed-name")).getText()).isEqualTo("Person lead-2");
        assertThat(browser.findElement(By.id("claimed-model")).getText()).as("the model version that scored the lead")
                .isEqualTo("test-1");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("claimed-title");
        // the claimant sees the lead's story as a timeline, newest first, and the buying committee by name
        assertThat(browser.findElements(By.cssSelector("#claimed-story li"))).extracting(WebElement::getText)
                .satisfiesExactly(
                        web -> assertThat(web).contains("1 min ago", "WEB", "Viewed pricing"),
                        call -> assertThat(call).contains("1 h ago", "SALES", "Call by s17 — no answer"),
                        webinar -> assertThat(webinar).contains("24 h ago", "CAMPAIGN", "Attended webinar 'Q3 launch'"));
        assertThat(browser.findElement(By.id("claimed-committee")).getText())
                .isEqualTo("2 engaged people at acme.example, among them:");
        assertThat(browser.findElement(By.id("claimed-people")).getText()).isEqualTo("Colleague of lead-2, CTO");
        wait.until(ExpectedConditions.numberOfElementsToBe(lead("lead-2"), 0));

        // accept: the claim goes away, the queue no longer has the lead, and the job is told
        browser.findElement(By.id("accept")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("claimed")));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Accepted Acme lead-2.");
        assertThat(queue.get(Q, "lead-2")).isEmpty();
        SalesActivity accepted = activityOf("lead-2");
        assertThat(accepted.getType()).isEqualTo(SalesActivityType.HANDOFF_ACCEPTED);
        assertThat(accepted.getSellerId()).isEqualTo("a1");
        assertThat(browser.findElements(By.cssSelector("#leads > li"))).extracting(e -> e.getAttribute("data-lead-id"))
                .containsExactly("lead-1");

        // reject with "other": the note becomes required, and the reason reaches the job
        browser.findElement(By.id("claim")).click();
        wait.until(ExpectedConditions.textToBe(By.id("claimed-email"), TestLeads.email("lead-1")));
        new Select(browser.findElement(By.id("reject-reason"))).selectByValue("other");
        assertThat(browser.findElement(By.id("note-hint")).getText()).isEqualTo("(required)");
        browser.findElement(By.id("reject-note")).sendKeys("Student project, not a buyer");
        browser.findElement(By.id("reject")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("claimed")));
        assertThat(activityOf("lead-1").getReason()).isEqualTo("other: Student project, not a buyer");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("empty")));
    }

    @Test
    void anErasedLeadLeavesTheOpenPageThoughItsEventNamesNoLead() {
        TestLeads.enqueue(queue, Q, "lead-erase-1", 60);
        TestLeads.enqueue(queue, Q, "lead-erase-2", 50);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get("http://localhost:" + api.port() + "/");
        js("sessionStorage.clear();"); // signed out, whichever test ran before
        browser.get("http://localhost:" + api.port() + "/");
        browser.findElement(By.id("token")).sendKeys(TestUsers.A1, Keys.ENTER);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "Live"));
        wait.until(ExpectedConditions.presenceOfElementLocated(lead("lead-erase-1")));
        wait.until(ExpectedConditions.presenceOfElementLocated(lead("lead-erase-2")));
        js("window.leadflowTestMarker = 'not reloaded';");

        assertThat(queue.erase("lead-erase-1")).containsExactly(Q);

        wait.until(ExpectedConditions.numberOfElementsToBe(lead("lead-erase-1"), 0));
        assertThat(browser.findElements(lead("lead-erase-2"))).hasSize(1);
        assertThat(js("return window.leadflowTestMarker;")).as("the list is reloaded, not the page").isEqualTo("not reloaded");

        // leave the queue as the other tests expect it
        queue.erase("lead-erase-2");
        wait.until(ExpectedConditions.numberOfElementsToBe(lead("lead-erase-2"), 0));
        browser.findElement(By.id("sign-out")).click();
    }

    @Test
    void eachLeadShowsTheTimeLeftToItsTargetAndIsMarkedOnceBreached() {
        // the list is drawn again on every change of the lead (its breach is one): find elements afresh
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        long enqueuedAt = System.currentTimeMillis();
        TestLeads.enqueue(queue, SLA_Q, "sla-1", 40, enqueuedAt);
        openQueueAs(TestUsers.A1, SLA_Q, wait);

        // the target comes with the list, or with a change event once the service has scheduled it: time
        // left, counting down
        By target = By.cssSelector("#leads > li[data-lead-id='sla-1'] .target strong");
        wait.until(ExpectedConditions.textMatches(target, java.util.regex.Pattern.compile("^[0-6] s left \\(any\\)$")));

        // past the target: marked breached, without a reload
        js("window.leadflowTestMarker = 'not reloaded';");
        wait.until(ExpectedConditions.attributeContains(lead("sla-1"), "class", "breached"));
        wait.until(ExpectedConditions.textMatches(target, java.util.regex.Pattern.compile("^breached \\d+ s ago \\(any\\)$")));
        assertThat(System.currentTimeMillis()).as("not before the target").isGreaterThanOrEqualTo(enqueuedAt + 6_000);
        assertThat(js("return window.leadflowTestMarker;")).isEqualTo("not reloaded");

        queue.apply(dev.leadflow.queue.QueueAction.withdraw(SLA_Q, "sla-1", "sla-1-1", 2));
        wait.until(ExpectedConditions.numberOfElementsToBe(lead("sla-1"), 0));
        browser.findElement(By.id("sign-out")).click();
    }

    @Test
    void inAnAssigningQueueAnAvailableSellerIsOfferedALeadAndTakesIt() {
        TestLeads.enqueue(queue, ASSIGN_Q, "as-1", 30);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        openQueueAs(TestUsers.A1, ASSIGN_Q, wait);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("available")));
        assertThat(browser.findElement(By.id("claim")).isDisplayed()).as("no pulling in this queue").isFalse();

        browser.findElement(By.id("available")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("offer")));
        assertThat(browser.findElement(By.id("offer-company")).getText()).contains("Acme as-1");
        browser.findElement(By.id("take")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("claimed")));
        assertThat(browser.findElement(By.id("claimed-email")).getText()).isEqualTo(TestLeads.email("as-1"));
        assertThat(queue.get(ASSIGN_Q, "as-1").orElseThrow().claimedBy()).isEqualTo("a1");

        browser.findElement(By.id("release")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("claimed")));
        browser.findElement(By.id("available")).click();
        queue.apply(dev.leadflow.queue.QueueAction.withdraw(ASSIGN_Q, "as-1", "as-1-1", 2));
        browser.findElement(By.id("sign-out")).click();
    }

    @Test
    void everyControlHasALabelAndThePageFitsAPhone() {
        browser.get("http://localhost:" + api.port() + "/");
        Object unlabelled = js("return [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(c => !document.querySelector('label[for=\"' + c.id + '\"]')).map(c => c.id);");
        assertThat((List<?>) unlabelled).isEmpty();
        Object unnamedButtons = js("return [...document.querySelectorAll('button')]"
                + ".filter(b => !b.textContent.trim()).map(b => b.id);");
        assertThat((List<?>) unnamedButtons).isEmpty();

        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            Object overflow = js("return document.documentElement.scrollWidth - window.innerWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal scrolling on a phone").isLessThanOrEqualTo(0);
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    /** Signed out whichever test ran before, then signed in with {@code token}, with {@code q} open and live. */
    private static void openQueueAs(String token, String q, WebDriverWait wait) {
        browser.get("http://localhost:" + api.port() + "/");
        js("sessionStorage.clear();");
        browser.get("http://localhost:" + api.port() + "/");
        browser.findElement(By.id("token")).sendKeys(token, Keys.ENTER);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "Live"));
        new Select(browser.findElement(By.id("queue-select"))).selectByValue(q);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "Live"));
    }

    private static By lead(String leadId) {
        return By.cssSelector("#leads > li[data-lead-id='" + leadId + "']");
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static SalesActivity activityOf(String leadId) {
        AvroWireDeserializer<SalesActivity> decoder = new AvroWireDeserializer<>(RegistryConfig.of(REGISTRY),
                SalesActivity.class);
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.broker().readUntil(Topics.SALES,
                all -> all.stream().anyMatch(r -> leadId.equals(new String(r.key(), StandardCharsets.UTF_8))), WAIT);
        return records.stream().filter(r -> leadId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> decoder.deserialize(r.value())).findFirst().orElseThrow();
    }
}
