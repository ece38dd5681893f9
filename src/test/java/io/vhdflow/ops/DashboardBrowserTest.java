package io.vhdflow.ops;

import io.vhdflow.pipeline.JobRecord;
import io.vhdflow.testing.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser (Debian's chromium through /usr/bin/chromedriver, headless):
 * a dropped VHD is seen moving through its stages to done, failed jobs show their reasons, and a
 * screenshot is saved as {@code target/dashboard.png}. Skipped when chromium is not installed.
 */
class DashboardBrowserTest extends OpsTestBase {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** India: +05:30 all year, so the offset on the page is known whatever the date. */
    private static final String BROWSER_ZONE = "Asia/Kolkata";
    private static final Pattern LOCAL_ISO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+05:30");
    private static final Pattern PROGRESS = Pattern.compile("running, \\d{1,3}% \\([0-9.]+ [KMG]?i?B of [0-9.]+ [KMG]i?B\\)");

    private WebDriver driver;
    private ChromeDriverService service;
    private Path profile;

    @Override
    protected Map<String, String> extraProperties() {
        // Slow the copying stages down so that a sub-minute run still shows progress on the page.
        return Map.of("vhdflow.throttle.bytes-per-second", String.valueOf(16L << 20));
    }

    @BeforeEach
    void startBrowser() throws Exception {
        ExternalTools.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (Debian packages chromium, chromium-driver)");
        profile = Files.createTempDirectory("vhdflow-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1366,1500");
        // An explicit driver: Selenium Manager has nothing to look up or download. The browser runs in a time
        // zone other than the service's, so the pages must show times in the user's zone.
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withEnvironment(Map.of("TZ", BROWSER_ZONE)).build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void stopBrowser() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            try (var walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void showsAJobMovingThroughItsStagesToDoneAndFailuresWithTheirReasons() throws Exception {
        driver.get(url("/"));
        assertEquals("vhdflow dashboard", driver.getTitle());
        waitFor("the page's first update", () -> text(By.id("status")).contains("Updated"));
        assertTrue(text(By.id("routes")).contains("pipeline"), "routes are listed");
        assertTrue(text(By.cssSelector("[data-route-id='intake']")).contains("started"), "route state as text");
        assertTrue(driver.findElements(By.cssSelector("#routes [data-route-id^='api-']")).isEmpty(),
                "the API's own routes are not listed one by one");
        assertTrue(text(By.cssSelector("#routes [data-route-id='api']")).matches("API \\(14 routes\\) 14 started.*"),
                text(By.cssSelector("#routes [data-route-id='api']")));
        assertTrue(text(By.cssSelector("[data-route-id='batch']")).contains("disabled"),
                "a disabled batch reads disabled: " + text(By.cssSelector("[data-route-id='batch']")));
        assertTrue(text(By.id("batches-empty")).contains("disabled"), text(By.id("batches-empty")));

        dropSample("dashboard.vhd", false, null);
        JobRecord job = awaitAnyJob("dashboard.vhd");
        // Watch the page: every stage seen running, a progress text while copying, until the job reads done.
        Set<String> runningSeen = new LinkedHashSet<>();
        boolean progressSeen = false;
        Instant end = Instant.now().plusSeconds(45);
        while (true) {
            assertTrue(Instant.now().isBefore(end), "job did not reach done on the page; saw " + runningSeen);
            try {
                for (WebElement s : driver.findElements(By.cssSelector(
                        "[data-job-id='" + job.id() + "'] .stage-state[data-state='running']"))) {
                    runningSeen.add(s.getAttribute("data-stage"));
                    var m = PROGRESS.matcher(s.getText());
                    if (!progressSeen && m.find() && !m.group().startsWith("running, 0%")) {
                        // A stage part-way through, as the journal reported it, with a live rate.
                        progressSeen = s.getText().endsWith("/s");
                        screenshot("dashboard-running.png");
                    }
                }
                List<WebElement> row = driver.findElements(By.cssSelector("#jobs tr[data-job-id='" + job.id() + "']"));
                if (!row.isEmpty() && row.get(0).getText().contains("done")) {
                    break;
                }
            } catch (StaleElementReferenceException redrawn) {
                // The page redrew between finding and reading; look again.
            }
            Thread.sleep(150);
        }
        // The backup stage is the job's one read pass (backup, conversion, digests); packaging links its result.
        assertTrue(runningSeen.contains("backup"), "the read pass was seen running: " + runningSeen);
        assertTrue(progressSeen, "a progress text like '42% (1.2 MiB of 2.8 MiB), 16.0 MiB/s' was shown");
        waitFor("the catalog to list the image", () -> text(By.id("catalog")).contains("dashboard"));

        dropSample("broken.vhd", true, null);
        dropSample("badmeta.vhd", false, "{\"gallery\": \"no spaces allowed\"}");
        waitFor("both failures on the page", () -> driver.findElements(By.cssSelector("#failures .failure")).size() == 2);
        String failures = text(By.id("failures"));
        assertTrue(failures.contains("failed: broken.vhd"), failures);
        assertTrue(failures.contains("is not a valid disk image"), failures);
        assertTrue(failures.contains("image.invalid"), failures);
        assertTrue(failures.contains("failed: badmeta.vhd") && failures.contains("metadata.invalid"), failures);
        List<WebElement> checks = driver.findElements(By.cssSelector("#failures .checks li"));
        assertTrue(checks.stream().anyMatch(li -> li.getText().contains("no spaces allowed")),
                "the failed checks are listed: " + failures);
        waitFor("the failed state in the jobs table", () -> driver.findElements(
                By.cssSelector("#jobs [data-state='failed']")).size() == 2);

        assertTrue(Files.size(screenshot("dashboard.png")) > 10_000, "a real screenshot");
        String started = text(By.cssSelector("#jobs tr[data-job-id='" + job.id() + "'] td:nth-child(8)"));
        assertTrue(LOCAL_ISO.matcher(started).matches(), "ISO time in the browser's zone: " + started);

        // The registered image's catalog page, from the catalog table: a page, not raw JSON.
        driver.findElement(By.cssSelector("#catalog a")).click();
        waitFor("the catalog page", () -> text(By.id("status")).contains("version(s)"));
        assertTrue(driver.getCurrentUrl().contains("catalog.html?gallery=vhdflow&image=dashboard"), driver.getCurrentUrl());
        String versions = text(By.id("versions"));
        assertTrue(versions.contains("1.0.0") && versions.contains("ready") && versions.contains(job.id()),
                versions);
        assertTrue(versions.contains("64.0 MiB"), "sizes in binary units: " + versions);
    }

    @Test
    void theJobPageOfANotGeneralizedImageShowsItsFindingsGroupedWithEvidenceAndRemedy() throws Exception {
        Path image = io.vhdflow.testing.Fixtures.extract("windows/specialized.vhd.zst", scratch);
        io.vhdflow.pipeline.camel.PipelineTestSupport.drop(image, home.resolve("drop"), "specialized.vhd");
        JobRecord job = awaitJob("specialized.vhd", io.vhdflow.pipeline.JobState.FAILED);

        driver.get(url("/"));
        waitFor("the failure on the dashboard", () -> text(By.id("failures")).contains("specialized.vhd"));
        driver.findElement(By.cssSelector("#failures a[href^='job.html']")).click();
        waitFor("the job page", () -> text(By.id("status")).contains("Job failed"));
        assertEquals("vhdflow job " + job.id(), driver.getTitle());

        String summary = text(By.id("summary"));
        assertTrue(summary.contains("not-ready"), summary);
        assertTrue(LOCAL_ISO.matcher(text(By.cssSelector("#summary time"))).matches(), summary);
        assertTrue(text(By.id("error")).contains("is not ready to publish: provisioning (W1) block")
                && text(By.id("error")).contains("What to do: fix each blocking check"), text(By.id("error")));

        String backup = text(By.cssSelector("#stages tr[data-stage='backup']"));
        assertTrue(backup.matches("backup done 1 \\S+ \\d+ (ms|s) [0-9.]+ MiB [0-9.]+ [KM]iB [0-9.]+ [KMG]iB/s.*"),
                "time, bytes and rate of the backup: " + backup);
        String verify = text(By.cssSelector("#stages tr[data-stage='verify']"));
        assertTrue(verify.startsWith("verify failed 1"), verify);

        List<WebElement> blocking = driver.findElements(By.cssSelector("#findings tbody[data-group='blocking'] tr[data-check]"));
        assertTrue(!blocking.isEmpty(), "blocking findings listed");
        WebElement w1 = driver.findElement(By.cssSelector("#findings tr[data-check='W1']"));
        assertEquals("blocking", w1.getAttribute("data-group"));
        assertTrue(w1.getText().contains("IMAGE_STATE_COMPLETE"), "evidence: " + w1.getText());
        assertTrue(w1.getText().toLowerCase(java.util.Locale.ROOT).contains("sysprep"), "remedy: " + w1.getText());
        for (String group : List.of("blocking", "warning", "waived", "passed")) {
            assertEquals(1, driver.findElements(By.cssSelector("#findings tbody[data-group='" + group + "']")).size(),
                    group + " group shown");
        }
        assertTrue(text(By.cssSelector("#findings tbody[data-group='passed']")).contains("G1"));
        assertTrue(text(By.id("findings-summary")).startsWith("Verdict not-ready under policy azure-platform"),
                text(By.id("findings-summary")));
        assertTrue(text(By.id("backup")).contains("SHA-256"), "the backup section: " + text(By.id("backup")));
        assertTrue(text(By.id("package")).contains("Not packaged"), text(By.id("package")));
        assertTrue(Files.size(screenshot("dashboard-job.png")) > 10_000, "a real screenshot");
    }

    @Test
    void theJobPageOfAVmImageShowsEachDiskWithItsStages() throws Exception {
        Path folder = Files.createDirectories(home.resolve("drop").resolve("vm"));
        Files.move(io.vhdflow.testing.Fixtures.extract("linux-images/ext4-mbr-generalized.vhd.zst", scratch),
                folder.resolve("vm-os.vhd"));
        Files.move(io.vhdflow.testing.Fixtures.extract("data-disks/data-ext4-key.vhd.zst", scratch),
                folder.resolve("keys.vhd"));
        Files.createFile(folder.resolve(".ready"));
        JobRecord job = awaitJob("vm-os.vhd", io.vhdflow.pipeline.JobState.FAILED);

        driver.get(url("/job.html?id=" + job.id()));
        waitFor("the job page", () -> text(By.id("status")).contains("Job failed"));
        String os = text(By.cssSelector("#disks tr[data-disk='0']"));
        assertTrue(os.startsWith("0 vm-os.vhd os") && os.contains("done"), os);
        String data = text(By.cssSelector("#disks tr[data-disk='1']"));
        assertTrue(data.startsWith("1 keys.vhd data 0 32.0 MiB done failed"), data);
        assertTrue(data.contains("DATA-SECRETS"), "the disk's error: " + data);
        assertTrue(text(By.id("error")).contains("keys.vhd (data disk, LUN 0)"), text(By.id("error")));
    }

    /** Saves what the browser shows as {@code target/<name>}. */
    private Path screenshot(String name) throws java.io.IOException {
        File shot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        return Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    private JobRecord awaitAnyJob(String source) throws InterruptedException {
        waitFor(source + " taken in", () -> journal().jobs(io.vhdflow.pipeline.JobJournal.JobFilter.all()).stream()
                .anyMatch(j -> j.sourceName().equals(source)));
        return journal().jobs(io.vhdflow.pipeline.JobJournal.JobFilter.all()).stream()
                .filter(j -> j.sourceName().equals(source)).findFirst().orElseThrow();
    }

    private String text(By by) {
        for (int i = 0; ; i++) {
            try {
                return driver.findElement(by).getText();
            } catch (StaleElementReferenceException e) {
                if (i > 5) {
                    throw e;
                }
            }
        }
    }

    private void waitFor(String what, Supplier<Boolean> condition) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                // Redrawn or not drawn yet.
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting for " + what + "; page says:\n"
                        + driver.findElement(By.tagName("main")).getText());
            }
            Thread.sleep(150);
        }
    }

    static {
        // Belt and braces with SE_OFFLINE=true (pom): even if something asked Selenium Manager, it stays offline.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    }
}
