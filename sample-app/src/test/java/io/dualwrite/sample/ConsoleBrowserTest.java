package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.testsupport.SystemTools;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
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
 * move with a reason and rolls it back.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:console-test;DB_CLOSE_DELAY=-1")
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
                        "--window-size=1300,1600");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(SystemTools.CHROMEDRIVER.path()))
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
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

        click("advance");
        awaitPhase("DUAL_WRITE");
        click("advance");
        awaitPhase("BACKFILL");
        wait.until(d -> section()
                        .findElements(By.cssSelector(".backfill[data-state=COMPLETED]"))
                        .size()
                == 1);
        assertThat(section().findElement(By.cssSelector(".backfill .percent")).getText())
                .isEqualTo("100%");
        assertThat(section().findElement(By.cssSelector(".backfill .bar > div")).getAttribute("style"))
                .contains("width: 100%");

        click("advance"); // refused: no verification since the backfill
        WebElement refusal = wait.until(d -> section().findElement(By.cssSelector(".message.error")));
        assertThat(refusal.getText()).contains("advance refused (409)");
        assertThat(refusal.findElement(By.cssSelector("li[data-failed-gate=verified-after-backfill]"))
                        .getText())
                .contains("run a full verification");
        assertThat(current()).isEqualTo("BACKFILL");

        click("verify");
        wait.until(d -> section()
                .findElement(By.cssSelector("tr[data-gate=verified-after-backfill] td.passed"))
                .isDisplayed());
        click("advance");
        awaitPhase("READ_NEW");

        force("DROP_OLD", "demo: the soak was waived by hand");
        awaitPhase("DROP_OLD");
        assertThat(section()
                        .findElement(By.cssSelector("table.audit tr[data-event=FORCED]"))
                        .getText())
                .contains("READ_NEW → DROP_OLD", "operator", "demo: the soak was waived by hand");

        click("rollback");
        awaitPhase("READ_NEW");
        assertThat(section().findElement(By.cssSelector("table.audit")).getText())
                .contains("ROLLED_BACK");
    }

    private WebElement section() {
        return browser.findElement(By.cssSelector("section[data-migration=subscriptions]"));
    }

    private String current() {
        return section().findElement(By.cssSelector(".phase.current")).getText();
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
