package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.testsupport.SystemTools;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The operator console in a real headless browser (Debian's Chromium and chromedriver; {@code .ci/run} installs
 * them; without them the test is skipped, and fails in CI): an operator clicks the sample's subscription migration
 * through every phase, watches the backfill's progress bar finish, reads a refused transition's reasons, forces a
 * move with a reason and rolls it back; on the way it reads the page as an operator would: charts with axes, units and
 * a legend, human times, counters that say their window and agree with the gate, audit rows that say what happened,
 * buttons enabled only when their action means something, divergence as it stands now. The last screen is saved as
 * {@code target/console.png} for review. The backfill is held to 3 rows/s so that it runs long enough to be paused.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:console-test;DB_CLOSE_DELAY=-1",
            "dualwrite.backfill.max-rows-per-second=3",
            "dualwrite.backfill.min-chunk-size=1"
        })
class ConsoleBrowserTest {

    @LocalServerPort
    private int port;

    private ChromeDriver browser;
    private WebDriverWait wait;

    /** Before the class, so that without a browser the application is not even started for nothing. */
    @BeforeAll
    static void requireBrowser() {
        SystemTools.require("the console browser test", SystemTools.CHROMIUM, SystemTools.CHROMEDRIVER);
    }

    @BeforeEach
    void openBrowser() {
        ChromeOptions options = new ChromeOptions()
                .setBinary(SystemTools.CHROMIUM.path())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1400,2400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(SystemTools.CHROMEDRIVER.path()))
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // The console re-renders its panels on every refresh: an element found just before may be gone when read.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) {
            Files.write(Path.of("target", "console.png"), browser.getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
    }

    @Test
    void anOperatorClicksAMigrationThroughEveryPhase() throws Exception {
        SampleHttp http = new SampleHttp(port);
        for (int id = 1; id <= 30; id++) {
            http.put("/customers/" + id, "{\"fullName\":\"Customer " + id + "\",\"plan\":\"pro\"}");
        }
        browser.get("http://operator:operator@localhost:" + port + "/actuator/dualwriteconsole");
        wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("section[data-migration=subscriptions]")));
        assertThat(current()).isEqualTo("OLD_ONLY");
        chartsHaveAxesWithUnitsAndALegend();
        assertThat(enabled("advance")).isTrue();
        assertThat(enabled("rollback")).isFalse();
        assertThat(enabled("pause-backfill")).isFalse();
        assertThat(enabled("resume-backfill")).isFalse();
        assertThat(enabled("verify")).isFalse();
        assertThat(enabled("repair")).isFalse();
        assertThat(button("pause-backfill").getAttribute("title")).contains("BACKFILL only");

        click("advance");
        awaitPhase("DUAL_WRITE");
        assertThat(enabled("pause-backfill")).isFalse();
        assertThat(enabled("repair")).isTrue();
        click("advance");
        awaitPhase("BACKFILL");

        // While the copy runs, it can be paused; once paused, resumed.
        wait.until(d -> backfillIs("RUNNING") && enabled("pause-backfill"));
        assertThat(enabled("resume-backfill")).isFalse();
        click("pause-backfill");
        wait.until(d -> backfillIs("PAUSED") && enabled("resume-backfill"));
        assertThat(enabled("pause-backfill")).isFalse();
        click("resume-backfill");
        wait.until(d -> backfillIs("COMPLETED"));
        assertThat(section().findElement(By.cssSelector(".backfill .percent")).getText())
                .isEqualTo("100%");
        assertThat(section().findElement(By.cssSelector(".backfill .bar > div")).getAttribute("style"))
                .contains("width: 100%");
        assertThat(section().findElement(By.cssSelector(".backfill .eta")).getText())
                .isEqualTo("ETA done");
        assertThat(enabled("pause-backfill")).isFalse();
        assertThat(enabled("resume-backfill")).isFalse();

        // Shadow reads: the counters say their window, and the one the gate reads agrees with the gate.
        for (int round = 0; round < 3; round++) {
            for (int id = 1; id <= 30; id++) {
                http.get("/customers/" + id + "/subscription");
            }
            Thread.sleep(2_100); // a point of the chart per refresh
        }
        WebElement inPhase = section().findElement(By.cssSelector(".window.in-phase"));
        assertThat(inPhase.getText())
                .contains(
                        "In BACKFILL (phase version", "on this instance, the window of the gate shadow-mismatch-rate");
        assertThat(section().findElement(By.cssSelector(".window.since-start")).getText())
                .startsWith("Since this instance started:");
        wait.until(d -> {
            WebElement window = section().findElement(By.cssSelector(".window.in-phase"));
            return gateDetail("shadow-mismatch-rate")
                    .startsWith(window.getAttribute("data-mismatches") + " mismatches in "
                            + window.getAttribute("data-compared") + " comparisons");
        });
        assertThat(Long.parseLong(section()
                        .findElement(By.cssSelector(".window.in-phase"))
                        .getAttribute("data-compared")))
                .isPositive();

        click("advance"); // refused: no verification since the backfill
        WebElement refusal = wait.until(d -> section().findElement(By.cssSelector(".message.error")));
        assertThat(refusal.getText()).contains("advance refused (409)");
        assertThat(refusal.findElement(By.cssSelector("li[data-failed-gate=verified-after-backfill]"))
                        .getText())
                .contains("run a full verification");
        assertThat(current()).isEqualTo("BACKFILL");
        assertThat(divergence()).contains("Found: 0 (verification IDLE, none completed)");

        click("verify");
        wait.until(d -> section()
                .findElement(By.cssSelector("tr[data-gate=verified-after-backfill] td.passed"))
                .isDisplayed());
        wait.until(d -> divergence().contains("Found: 0 by the verification of"));
        assertThat(divergence())
                .contains(
                        "keys compared",
                        "Repaired: 0 keys by this instance since it started",
                        "Left now: 0 keys in the ledger");
        click("advance");
        awaitPhase("READ_NEW");
        assertThat(enabled("verify")).isTrue();
        assertThat(enabled("pause-backfill")).isFalse();

        force("DROP_OLD", "demo: the soak was waived by hand");
        awaitPhase("DROP_OLD");
        assertThat(section()
                        .findElement(By.cssSelector("table.audit tr[data-event=FORCED]"))
                        .getText())
                .contains("READ_NEW → DROP_OLD", "operator", "demo: the soak was waived by hand");
        assertThat(enabled("advance")).isFalse();
        assertThat(enabled("repair")).isFalse();

        click("rollback");
        awaitPhase("READ_NEW");
        assertThat(section().findElement(By.cssSelector("table.audit")).getText())
                .contains("ROLLED_BACK");

        // The barrier's entries say what they mean rather than read as a move from a phase to itself.
        wait.until(d -> !section()
                .findElements(By.cssSelector("table.audit tr[data-event=COMPLETED]"))
                .isEmpty());
        for (WebElement move : section().findElements(By.cssSelector("table.audit tr[data-event=COMPLETED] td.move"))) {
            assertThat(move.getText())
                    .matches("every instance applies (OLD_ONLY|DUAL_WRITE|BACKFILL|READ_NEW|DROP_OLD)");
        }

        // Times and durations read as a person would: no ISO-8601 durations or timestamps anywhere on the page.
        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(page)
                .doesNotContainPattern("\\bPT-?\\d")
                .doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");
        chartsHaveAxesWithUnitsAndALegend();
    }

    /** uPlot draws the axes on a canvas: their labels are read from the chart, the legend from the page. */
    @SuppressWarnings("unchecked")
    private void chartsHaveAxesWithUnitsAndALegend() {
        List<String> axes = (List<String>) browser.executeScript("const c = charts['subscriptions'];"
                + " return [...c.shadow.axes, ...c.backfill.axes].map(a => a.label);");
        assertThat(axes)
                .containsExactly(
                        "local time",
                        "comparisons per second",
                        "divergent keys (ledger)",
                        "local time",
                        "rows per second");
        assertThat(section()
                        .findElement(By.cssSelector(".shadow-chart .u-legend"))
                        .getText())
                .contains("shadow matches", "shadow mismatches", "divergent keys left");
        assertThat(section()
                        .findElement(By.cssSelector(".backfill-chart .u-legend"))
                        .getText())
                .contains("backfill rows copied");
        // Away from the cursor, the legend gives the latest interval's values with their units.
        String legendValues = "(?s).*shadow matches\\W*[0-9.,]+/s.*shadow mismatches\\W*[0-9.,]+/s"
                + ".*divergent keys left\\W*[0-9,]+ keys.*";
        try {
            wait.until(d -> legend().matches(legendValues));
        } catch (TimeoutException e) {
            // the assertion below shows what the legend says
        }
        assertThat(legend()).matches(legendValues);
        assertThat(section().findElements(By.cssSelector(".chart canvas"))).hasSize(2);
    }

    private String legend() {
        return textOf(".shadow-chart .u-legend");
    }

    private boolean backfillIs(String state) {
        return !section()
                .findElements(By.cssSelector(".backfill[data-state=" + state + "]"))
                .isEmpty();
    }

    private String gateDetail(String gate) {
        return section()
                .findElement(By.cssSelector("tr[data-gate='" + gate + "'] td:last-child"))
                .getText();
    }

    private String divergence() {
        return textOf(".divergences");
    }

    private WebElement button(String action) {
        return section().findElement(By.cssSelector("button[data-action='" + action + "']"));
    }

    private boolean enabled(String action) {
        return button(action).isEnabled();
    }

    private WebElement section() {
        return browser.findElement(By.cssSelector("section[data-migration=subscriptions]"));
    }

    private String current() {
        return textOf(".phase.current");
    }

    /** The text of the migration's element, found and read again if a refresh replaced it in between. */
    private String textOf(String css) {
        return wait.until(d -> section().findElement(By.cssSelector(css)).getText());
    }

    private void awaitPhase(String phase) {
        wait.until(d -> phase.equals(current()));
    }

    /** Clicks an action button and confirms the browser's dialog. */
    private void click(String action) {
        section()
                .findElement(By.cssSelector("button[data-action='" + action + "']"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
    }

    private void force(String target, String reason) {
        section().findElement(By.cssSelector("button[data-action=force]")).click();
        Alert phase = wait.until(ExpectedConditions.alertIsPresent());
        phase.sendKeys(target);
        phase.accept();
        Alert why = wait.until(ExpectedConditions.alertIsPresent());
        why.sendKeys(reason);
        why.accept();
    }
}
