package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
import dev.vicinity.testkit.TestServers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo in a real browser (headless Chromium through ChromeDriver, never downloaded: both binaries
 * are Debian's). Alice and Bob share precise positions, see each other, chat both ways (typing
 * indicator and read marker included), Alice's connection drops and the page resumes with every message
 * exactly once, Bob leaves, both rate; Carol denies location permission,
 * picks a place by hand and appears in Alice's list. Writes {@code target/vicinity-demo.png}.
 *
 * <p>The server runs on the embedded default (H2GIS file database in a temporary directory).
 *
 * <p>Without Chromium the test is skipped with one line, except in CI ({@code CI=true}) where it fails.
 */
class BrowserDemoIT {
    private static final File CHROMIUM = new File(env("VICINITY_CHROMIUM", "/usr/bin/chromium"));
    private static final File CHROMEDRIVER = new File(env("VICINITY_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static VicinityServer server;
    private static final List<ChromeDriver> browsers = new ArrayList<>();

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @BeforeAll
    static void start() throws java.io.IOException {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            String msg = "BrowserDemoIT needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install chromium chromium-driver, or run .ci/run)";
            if (TestServers.inCi()) {
                Assertions.fail(msg);
            }
            Assumptions.abort("skipped: " + msg);
        }
        ServerConfig config = ServerConfig.parse(
                new String[] {"--port", "0", "--host", "127.0.0.1", "--simulate", "5", "--center", "52.5200,13.4050",
                    "--data-dir", Files.createTempDirectory("vicinity-browser-it").toString()},
                Map.of());
        server = VicinityServer.start(config, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        for (ChromeDriver b : browsers) {
            try {
                b.quit();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private static ChromeDriver browser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        Path profile = Files.createTempDirectory("vicinity-chrome-");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        return driver;
    }

    private static void geolocation(ChromeDriver b, boolean allowed, double lat, double lon) {
        String origin = server.url().replaceAll("/$", "");
        if (allowed) {
            b.executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin, "permissions", List.of("geolocation")));
            b.executeCdpCommand("Emulation.setGeolocationOverride",
                    Map.of("latitude", lat, "longitude", lon, "accuracy", 20));
        } else {
            b.executeCdpCommand("Browser.setPermission", Map.of("origin", origin,
                    "permission", Map.of("name", "geolocation"), "setting", "denied"));
        }
    }

    private static void signIn(ChromeDriver b, String name) {
        b.get(server.url());
        b.findElement(By.id("name")).sendKeys(name);
        b.findElement(By.id("signin")).click();
        until(b, () -> "online".equals(b.findElement(By.id("status")).getAttribute("data-state")));
    }

    private static void until(ChromeDriver b, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(b, WAIT).ignoring(RuntimeException.class).until(d -> condition.getAsBoolean());
    }

    /** Waits until {@code user} is listed in {@code b}'s nearby list and shown online (refreshing as a user would). */
    private static WebElement nearby(ChromeDriver b, String user) {
        By row = By.cssSelector("#nearby-list li[data-user='" + user + "']");
        until(b, () -> {
            List<WebElement> rows = b.findElements(row);
            if (!rows.isEmpty() && rows.get(0).getText().contains("online")) {
                return true;
            }
            b.findElement(By.id("refresh")).click();
            return false;
        });
        return b.findElement(row);
    }

    /** Clicks the element, finding it again if a re-render replaced it. */
    private static void click(ChromeDriver b, By by) {
        until(b, () -> {
            b.findElement(by).click();
            return true;
        });
    }

    private static boolean hasMessage(ChromeDriver b, String text) {
        return b.findElements(By.cssSelector("#messages .message")).stream().anyMatch(m -> m.getText().contains(text));
    }

    @Test
    void twoNeighboursMeetChatLeaveAndRateAndADeniedUserPicksAPlace() throws Exception {
        ChromeDriver alice = browser();
        ChromeDriver bob = browser();
        geolocation(alice, true, 52.5200, 13.4050);
        geolocation(bob, true, 52.5231, 13.4112);
        signIn(alice, "Alice");
        signIn(bob, "Bob");
        alice.findElement(By.id("share-location")).click();
        bob.findElement(By.id("share-location")).click();
        until(alice, () -> alice.findElement(By.id("location-status")).getText().contains("Sharing your location"));

        // They see each other, with a distance bucket, never a position.
        // About 540 m apart (cell centres 250 m apart on the privacy grid): one of the two nearest default buckets.
        assertThat(nearby(alice, "Bob").getText()).containsAnyOf("< 500 m", "500 m - 1 km").contains("online")
                .doesNotContain("52.52");
        nearby(bob, "Alice");

        // Alice invites, Bob accepts.
        click(alice, By.cssSelector("#nearby-list li[data-user='Bob'] .invite"));
        until(bob, () -> !bob.findElements(By.cssSelector("#invites .invite-card .accept")).isEmpty());
        assertThat(bob.findElement(By.id("invites")).getText()).contains("Alice invites you");
        click(bob, By.cssSelector("#invites .invite-card .accept"));
        until(alice, () -> "ACTIVE".equals(alice.findElement(By.id("chat-state")).getAttribute("data-state")));

        // Alice types (Bob sees the indicator), sends; Bob answers.
        alice.findElement(By.id("chat-input")).sendKeys("Hi Bob, coffee at the corner?");
        until(bob, () -> bob.findElement(By.id("typing")).getText().contains("Alice is typing"));
        alice.findElement(By.id("chat-send")).click();
        until(bob, () -> hasMessage(bob, "Hi Bob, coffee at the corner?"));
        bob.findElement(By.id("chat-input")).sendKeys("Sure, see you in 5!");
        bob.findElement(By.id("chat-send")).click();
        until(alice, () -> hasMessage(alice, "Sure, see you in 5!"));
        // Bob has read Alice's message: her bubble carries the read marker.
        until(alice, () -> alice.findElements(By.cssSelector("#messages .message.mine")).stream()
                .anyMatch(m -> m.getText().contains("✓ read")));
        assertThat(alice.findElements(By.cssSelector("#messages .message")).stream().map(m -> m.getAttribute("data-seq")))
                .containsExactly("1", "2");

        // The network drops under Alice; Bob writes meanwhile; the page reconnects, resumes, and shows
        // every message exactly once.
        alice.findElement(By.id("drop")).click();
        bob.findElement(By.id("chat-input")).sendKeys("Did you get this?");
        bob.findElement(By.id("chat-send")).click();
        until(alice, () -> "online".equals(alice.findElement(By.id("status")).getAttribute("data-state"))
                && hasMessage(alice, "Did you get this?"));
        assertThat(alice.findElements(By.cssSelector("#messages .message")).stream().map(m -> m.getAttribute("data-seq")))
                .containsExactly("1", "2", "3");

        Path target = Path.of("target");
        Files.createDirectories(target);
        alice.executeScript("window.scrollTo(0, 0)");
        Files.copy(alice.getScreenshotAs(OutputType.FILE).toPath(), target.resolve("vicinity-demo.png"),
                StandardCopyOption.REPLACE_EXISTING);

        // Bob leaves; both get the rating form and rate.
        bob.findElement(By.id("leave")).click();
        until(alice, () -> "ENDED".equals(alice.findElement(By.id("chat-state")).getAttribute("data-state")));
        until(bob, () -> bob.findElement(By.id("rating-form")).isDisplayed());
        until(alice, () -> alice.findElement(By.id("rating-form")).isDisplayed());
        assertThat(alice.findElement(By.id("composer")).isDisplayed()).isFalse();
        alice.findElement(By.cssSelector("#stars .star[data-stars='5']")).click();
        alice.findElement(By.id("rating-submit")).click();
        until(alice, () -> alice.findElement(By.id("rating-result-global")).getText().contains("stays hidden"));
        bob.findElement(By.cssSelector("#stars .star[data-stars='4']")).click();
        bob.findElement(By.id("rating-submit")).click();
        until(bob, () -> bob.findElement(By.id("rating-result-global")).getText().contains("now revealed"));
        // Double-blind: both ratings count once both are in.
        assertThat(server.node().ratings().aggregate(UserId.of("Bob")).count()).isEqualTo(1);
        assertThat(server.node().ratings().aggregate(UserId.of("Alice")).count()).isEqualTo(1);

        // Carol denies the permission, picks a place by hand and appears for Alice.
        ChromeDriver carol = browser();
        geolocation(carol, false, 0, 0);
        signIn(carol, "Carol");
        carol.findElement(By.id("share-location")).click();
        until(carol, () -> carol.findElement(By.id("denied")).isDisplayed());
        new Select(carol.findElement(By.id("place-select"))).selectByVisibleText("Berlin · Mitte");
        carol.findElement(By.id("use-place")).click();
        until(carol, () -> carol.findElement(By.id("location-status")).getText().contains("place you picked"));
        assertThat(nearby(alice, "Carol").getText()).contains("< 500 m"); // the place is Alice's own cell
        nearby(carol, "Alice");
        Files.copy(carol.getScreenshotAs(OutputType.FILE).toPath(), target.resolve("vicinity-demo-manual-place.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
