package dev.vicinity.examples.server;

import dev.vicinity.client.RawClient;

import static dev.vicinity.client.RawClient.frame;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
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
    private static CuttableProxy proxy;
    private static final Path AXE = Path.of("../../clients/typescript/node_modules/axe-core/axe.min.js");
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
                    // Timings a fifth of the defaults (lease 30 s, heartbeat 10 s, grace 10 s) so that a drop of
                    // twice the lease TTL plus the grace, 14 s here, is what 60 s and more are with the defaults.
                    "--lease-ttl", "6", "--heartbeat", "2", "--offline-grace", "2", "--resume-window", "60s",
                    "--data-dir", Files.createTempDirectory("vicinity-browser-it").toString()},
                Map.of());
        server = VicinityServer.start(config, Clock.systemUTC());
        proxy = new CuttableProxy(server.port());
    }

    /** Each test starts its own browsers (the server is shared): quits them, so at most three run at a time. */
    @AfterEach
    void quitBrowsers() {
        for (ChromeDriver b : browsers) {
            try {
                b.quit();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        browsers.clear();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            try {
                proxy.close();
            } catch (java.io.IOException ignored) {
                // best effort
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private static ChromeDriver browser() throws Exception {
        return browser("1280,900");
    }

    private static ChromeDriver browser(String windowSize) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        Path profile = Files.createTempDirectory("vicinity-chrome-");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=" + windowSize, "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        return driver;
    }

    private static void geolocation(ChromeDriver b, boolean allowed, double lat, double lon) {
        geolocation(b, server.url(), allowed, lat, lon);
    }

    private static void geolocation(ChromeDriver b, String url, boolean allowed, double lat, double lon) {
        String origin = url.replaceAll("/$", "");
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
        signIn(b, server.url(), name);
    }

    private static void signIn(ChromeDriver b, String url, String name) {
        b.get(url);
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

    private static String status(ChromeDriver b) {
        return b.findElement(By.id("status")).getAttribute("data-state");
    }

    private static List<String> seqs(ChromeDriver b) {
        return b.findElements(By.cssSelector("#messages .message[data-seq]")).stream()
                .map(m -> m.getAttribute("data-seq")).toList();
    }

    private static long count(ChromeDriver b, String text) {
        return b.findElements(By.cssSelector("#messages .message")).stream().filter(m -> m.getText().contains(text)).count();
    }

    private static void send(ChromeDriver b, String text) {
        b.findElement(By.id("chat-input")).sendKeys(text);
        b.findElement(By.id("chat-send")).click();
    }

    /** axe-core (clients/typescript's development dependency) on the page: no serious or critical violation. */
    @SuppressWarnings("unchecked")
    private static void accessible(ChromeDriver b, String what) throws java.io.IOException {
        if (!Files.isReadable(AXE)) {
            String msg = "accessibility check needs " + AXE.toAbsolutePath().normalize()
                    + " (npm ci in clients/typescript; the Maven build runs it when npm is on the PATH)";
            if (TestServers.inCi()) {
                Assertions.fail(msg);
            }
            System.out.println("BrowserDemoIT: skipped the " + what + " accessibility check: " + msg);
            return;
        }
        b.executeScript(Files.readString(AXE));
        Object result = b.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })"
                + ".then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
                + ".catch(e => done(['axe failed: ' + e]));");
        assertThat((List<String>) result).as("serious or critical axe-core violations on " + what).isEmpty();
    }

    @Test
    void neighboursChatThroughDropsFreezesAndReloadsRateBlockAndUseAPhone() throws Exception {
        String viaProxy = "http://127.0.0.1:" + proxy.port() + "/";
        ChromeDriver alice = browser();
        ChromeDriver bob = browser();
        geolocation(alice, viaProxy, true, 52.5200, 13.4050);
        geolocation(bob, true, 52.5231, 13.4112);
        signIn(alice, viaProxy, "Alice"); // through the proxy the test cuts and freezes
        signIn(bob, "Bob");
        alice.findElement(By.id("share-location")).click();
        bob.findElement(By.id("share-location")).click();
        until(alice, () -> alice.findElement(By.id("location-status")).getText().contains("Sharing your location"));

        // They see each other, with a distance bucket, never a position; the radar puts Bob inside his bucket's band.
        assertThat(nearby(alice, "Bob").getText()).containsAnyOf("< 500 m", "500 m - 1 km").contains("online")
                .doesNotContain("52.52");
        nearby(bob, "Alice");
        WebElement dot = alice.findElement(By.cssSelector("#radar g.user[data-user='Bob']"));
        int bucket = Integer.parseInt(dot.getAttribute("data-bucket"));
        double r = Double.parseDouble(dot.getAttribute("data-r"));
        double outer = Double.parseDouble(alice.findElement(By.cssSelector("#radar .ring[data-bucket='" + bucket + "']")).getAttribute("r"));
        double inner = bucket == 0 ? 0 : Double.parseDouble(
                alice.findElement(By.cssSelector("#radar .ring[data-bucket='" + (bucket - 1) + "']")).getAttribute("r"));
        assertThat(r).isBetween(inner, outer);
        assertThat(alice.findElements(By.cssSelector("#radar .ring"))).hasSize(6); // one ring per bucket up to 10 km

        // Alice invites (a double click sends one invite), Bob accepts.
        alice.executeScript("const b = document.querySelector(\"#nearby-list li[data-user='Bob'] .invite\"); b.click(); b.click();");
        until(bob, () -> !bob.findElements(By.cssSelector("#invites .invite-card .accept")).isEmpty());
        assertThat(bob.findElements(By.cssSelector("#invites .invite-card"))).hasSize(1);
        assertThat(bob.findElement(By.id("invites")).getText()).contains("Alice invites you");
        click(bob, By.cssSelector("#invites .invite-card .accept"));
        until(alice, () -> "ACTIVE".equals(alice.findElement(By.id("chat-state")).getAttribute("data-state")));
        assertThat(alice.findElements(By.cssSelector("#session-tabs .tab"))).hasSize(1);

        // Alice types (Bob sees the indicator), sends; Bob answers; the read marker shows.
        alice.findElement(By.id("chat-input")).sendKeys("Hi Bob, coffee at the corner?");
        until(bob, () -> bob.findElement(By.id("typing")).getText().contains("Alice is typing"));
        alice.findElement(By.id("chat-send")).click();
        until(bob, () -> hasMessage(bob, "Hi Bob, coffee at the corner?"));
        send(bob, "Sure, see you in 5!");
        until(alice, () -> hasMessage(alice, "Sure, see you in 5!"));
        until(alice, () -> alice.findElements(By.cssSelector("#messages .message.mine")).stream()
                .anyMatch(m -> m.getText().contains("✓ read")));
        assertThat(seqs(alice)).containsExactly("1", "2");

        // A silent freeze: nothing comes back, nothing is closed. The missing pong gives it away.
        proxy.freeze();
        until(alice, () -> "reconnecting".equals(status(alice)));
        assertThat(alice.findElement(By.id("status")).getText()).contains("froze");
        proxy.restore();
        until(alice, () -> "online".equals(status(alice)));

        // A long drop (twice the lease TTL plus the grace; still inside the resume window): Alice writes
        // offline, Bob writes meanwhile; after it the chat is still active, Alice's text is sent once.
        proxy.cut();
        until(alice, () -> "reconnecting".equals(status(alice)));
        send(alice, "Written while offline");
        until(alice, () -> alice.findElement(By.cssSelector("#messages .message.pending")).getText().contains("Waiting for the connection"));
        assertThat(alice.findElement(By.id("chat-note")).isDisplayed()).isTrue();
        send(bob, "Did you get this?");
        long cutAt = System.nanoTime();
        // Waits on the wall clock on purpose: the drop must outlast the lease TTL and the offline grace.
        until(alice, () -> System.nanoTime() - cutAt > Duration.ofSeconds(14).toNanos());
        assertThat(status(alice)).isEqualTo("reconnecting");
        proxy.restore();
        until(alice, () -> "online".equals(status(alice)) && hasMessage(alice, "Did you get this?"));
        until(bob, () -> hasMessage(bob, "Written while offline"));
        until(alice, () -> alice.findElements(By.cssSelector("#messages .message.pending")).isEmpty());
        assertThat(alice.findElement(By.id("chat-state")).getAttribute("data-state")).isEqualTo("ACTIVE");
        assertThat(count(bob, "Written while offline")).isEqualTo(1);
        assertThat(count(alice, "Written while offline")).isEqualTo(1);
        assertThat(seqs(alice)).containsExactlyInAnyOrder("1", "2", "3", "4");

        // A reload mid-chat: the name, the location and the chat come back (resumed with the kept token).
        alice.navigate().refresh();
        until(alice, () -> "online".equals(status(alice)) && seqs(alice).size() == 4);
        assertThat(alice.findElement(By.id("chat-state")).getAttribute("data-state")).isEqualTo("ACTIVE");
        assertThat(alice.findElement(By.id("who")).getText()).contains("Alice");
        until(alice, () -> alice.findElement(By.id("location-status")).getText().contains("Sharing your location"));
        accessible(alice, "Alice's page mid-chat");

        Path target = Path.of("target");
        Files.createDirectories(target);
        alice.executeScript("window.scrollTo(0, 0)");
        Files.copy(alice.getScreenshotAs(OutputType.FILE).toPath(), target.resolve("vicinity-demo.png"),
                StandardCopyOption.REPLACE_EXISTING);

        // Bob leaves; Alice reloads: the ended chat and its rating form are back. Both rate.
        bob.findElement(By.id("leave")).click();
        until(alice, () -> "ENDED".equals(alice.findElement(By.id("chat-state")).getAttribute("data-state")));
        until(alice, () -> alice.findElement(By.id("rating-form")).isDisplayed());
        alice.navigate().refresh();
        until(alice, () -> "online".equals(status(alice)) && alice.findElement(By.id("rating-form")).isDisplayed());
        assertThat(alice.findElement(By.id("composer")).isDisplayed()).isFalse();
        until(bob, () -> bob.findElement(By.id("rating-form")).isDisplayed());
        alice.findElement(By.cssSelector("#stars .star[data-stars='5']")).click();
        alice.findElement(By.id("rating-submit")).click();
        until(alice, () -> alice.findElement(By.id("rating-result")).getText().contains("stays hidden"));
        bob.findElement(By.cssSelector("#stars .star[data-stars='4']")).click();
        bob.findElement(By.id("rating-submit")).click();
        until(bob, () -> bob.findElement(By.id("rating-result")).getText().contains("now revealed"));
        assertThat(server.node().ratings().aggregate(UserId.of("Bob")).count()).isEqualTo(1);
        assertThat(server.node().ratings().aggregate(UserId.of("Alice")).count()).isEqualTo(1);

        // A block: Bob invites Alice again, she accepts and blocks him. His next invite reaches her nowhere.
        click(bob, By.cssSelector("#nearby-list li[data-user='Alice'] .invite"));
        until(alice, () -> !alice.findElements(By.cssSelector("#invites .invite-card .accept")).isEmpty());
        click(alice, By.cssSelector("#invites .invite-card .accept"));
        until(alice, () -> "ACTIVE".equals(alice.findElement(By.id("chat-state")).getAttribute("data-state")));
        alice.findElement(By.id("block")).click();
        alice.switchTo().alert().accept();
        until(alice, () -> "ENDED".equals(alice.findElement(By.id("chat-state")).getAttribute("data-state")));
        Object blockedInvite = bob.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "window.vicinity.client.invite(['Alice']).then(ok => done(ok.state), e => done('refused: ' + e.code));");
        assertThat(blockedInvite).isEqualTo("INVITED"); // answered like any invite: Bob does not learn of the block
        // What the block does show: each is gone from the other's nearby list and radar (geo.nearby leaves out
        // blocks either way), Alice's at once (the page refreshes after blocking), Bob's at his next refresh.
        until(alice, () -> alice.findElements(By.cssSelector("li[data-user='Bob'], #radar g.user[data-user='Bob']")).isEmpty());
        until(bob, () -> bob.findElements(By.cssSelector("li[data-user='Alice'], #radar g.user[data-user='Alice']")).isEmpty());

        // Carol, on a phone (390 px wide) with a 31-character name, denies location, picks a place; Alice
        // invites her: the invitation is on screen without scrolling, and nothing scrolls sideways.
        ChromeDriver carol = browser("500,844");
        // Headless windows are at least 500 px wide: emulate the phone's 390 px viewport (as DevTools does).
        carol.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        geolocation(carol, false, 0, 0);
        String carolName = "Zoë Ünal-Carolina Longname Test";
        signIn(carol, carolName);
        carol.findElement(By.id("share-location")).click();
        until(carol, () -> carol.findElement(By.id("denied")).isDisplayed());
        new Select(carol.findElement(By.id("place-select"))).selectByVisibleText("Berlin · Mitte");
        carol.findElement(By.id("use-place")).click();
        until(carol, () -> carol.findElement(By.id("location-status")).getText().contains("place you picked"));
        String carolId = DemoAuthenticator.userIdFor(carolName).orElseThrow().value();
        WebElement carolRow = nearby(alice, carolId);
        assertThat(carolRow.getText()).contains("< 500 m").contains(carolName); // shown as typed, not as the id
        assertThat(carolRow.findElement(By.cssSelector(".name")).getAttribute("title")).isEqualTo(carolName);
        assertThat(carol.findElement(By.id("who")).getAttribute("title")).isEqualTo(carolName);
        click(alice, By.cssSelector("#nearby-list li[data-user='" + carolId + "'] .invite"));
        until(carol, () -> !carol.findElements(By.cssSelector("#invites .invite-card .accept")).isEmpty());
        assertThat(((Number) carol.executeScript("return window.innerWidth")).intValue()).isEqualTo(390);
        Number[] box = ((List<?>) carol.executeScript("const r = document.querySelector('#invites .invite-card .accept')"
                + ".getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight,"
                + " document.documentElement.scrollWidth, window.innerWidth];")).toArray(Number[]::new);
        assertThat(box[0].doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(box[1].doubleValue()).isLessThanOrEqualTo(box[2].doubleValue());
        assertThat(box[3].intValue()).as("no sideways scroll").isLessThanOrEqualTo(box[4].intValue());
        // Bob's invite (sent before Alice's) never reached Alice: her only invitation-free state is kept.
        assertThat(alice.findElements(By.cssSelector("#invites .invite-card"))).isEmpty();
        assertThat(alice.getPageSource()).doesNotContain("Bob invites you");
        click(carol, By.cssSelector("#invites .invite-card .accept"));
        until(carol, () -> "ACTIVE".equals(carol.findElement(By.id("chat-state")).getAttribute("data-state")));
        send(alice, "Hi! Coffee at the corner?");
        until(carol, () -> hasMessage(carol, "Coffee at the corner"));
        accessible(carol, "Carol's phone page in a chat");
        Files.copy(carol.getScreenshotAs(OutputType.FILE).toPath(), target.resolve("vicinity-demo-phone.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Resolves when the page's nearby list was next re-rendered from a fresh {@code geo.nearby} answer (the 5 s refresh). */
    private static void awaitNearbyRefresh(ChromeDriver b) {
        b.executeScript("const before = window.vicinity.nearby; window.__refreshed = false;"
                + "new MutationObserver((_, o) => { if (window.vicinity.nearby !== before) { window.__refreshed = true; o.disconnect(); } })"
                + ".observe(document.getElementById('radar'), { childList: true });");
        until(b, () -> Boolean.TRUE.equals(b.executeScript("return window.__refreshed")));
    }

    private static String activeId(ChromeDriver b) {
        return (String) b.executeScript("return document.activeElement && document.activeElement.id");
    }

    private static void setComposer(ChromeDriver b, String text) {
        b.executeScript("const i = document.getElementById('chat-input'); i.focus(); i.value = arguments[0];"
                + "i.dispatchEvent(new Event('input', { bubbles: true }));", text);
    }

    private static String chatState(ChromeDriver b) {
        return b.findElement(By.id("chat-state")).getAttribute("data-state");
    }

    /**
     * The page's smaller promises (docs/examples.md, section 6), with Dave and Erin on the server the first
     * test used: offline people listed apart after the online ones, keyboard focus and the composer's text
     * kept across the 5 s nearby refresh, the code-point counter with the server's limit, unsent text kept
     * across a reload, a replaced tab read-only with a working take-over, and a rating error in plain words.
     */
    @Test
    void focusCounterOfflineListUnsentReloadReplacedTabAndPlainErrors() throws Exception {
        String url = server.url();
        // Frank (a protocol client) was here and left: he is listed offline for 30 minutes.
        int limit;
        try (RawClient frank = RawClient.connect(server.port())) {
            JsonNode welcome = frank.ok(frame("hello").put("v", 1).put("token", "demo:Frank").put("device", "t"));
            limit = welcome.path("limits").path("maxMessageLength").asInt();
            frank.ok(frame("geo.location").put("lat", 52.4990).put("lon", 13.4035).put("source", "manual"));
            frank.signOut();
        }
        assertThat(limit).isPositive();
        ChromeDriver dave = browser();
        ChromeDriver erin = browser();
        for (ChromeDriver b : List.of(dave, erin)) {
            signIn(b, b == dave ? "Dave" : "Erin");
            new Select(b.findElement(By.id("place-select"))).selectByVisibleText("Berlin · Kreuzberg");
            b.findElement(By.id("use-place")).click();
            until(b, () -> b.findElement(By.id("location-status")).getText().contains("place you picked"));
        }

        // Offline people come after the online ones, in their own list that says why they cannot be invited.
        nearby(dave, "Erin");
        By frankRow = By.cssSelector("#offline-list li[data-user='Frank']");
        until(dave, () -> !dave.findElements(frankRow).isEmpty());
        assertThat(dave.findElements(By.cssSelector("#nearby-list li[data-user='Frank']"))).isEmpty();
        assertThat(dave.findElements(By.cssSelector("#nearby-list li"))).allMatch(li -> li.getText().contains("online"));
        assertThat(dave.findElements(By.cssSelector("#offline-list li"))).allMatch(li -> li.getText().contains("offline"));
        assertThat(dave.findElement(frankRow).findElement(By.cssSelector(".invite")).isEnabled()).isFalse();
        assertThat(dave.findElement(By.id("offline-block")).getText()).contains("Offline")
                .contains("You can invite them when they are back online");
        Number[] ys = ((List<?>) dave.executeScript("return [document.getElementById('nearby-list').getBoundingClientRect().bottom,"
                + " document.getElementById('offline-block').getBoundingClientRect().top]")).toArray(Number[]::new);
        assertThat(ys[1].doubleValue()).as("offline list below the online one").isGreaterThanOrEqualTo(ys[0].doubleValue());

        // Keyboard focus survives the refresh, also when the focused row moves up: Gus (Dave's place) and Hana
        // (about 750 m, so listed after him) are online; Dave's focus is on Hana's Invite; Gus signs out.
        String hanaInvite = "return document.activeElement === document.querySelector(\"#nearby-list li[data-user='Hana'] .invite\")";
        ExecutorService wire = Executors.newSingleThreadExecutor(); // one sender per socket at a time
        try (RawClient gus = RawClient.connect(server.port());
                RawClient hana = RawClient.connect(server.port())) {
            gus.ok(frame("hello").put("v", 1).put("token", "demo:Gus").put("device", "t"));
            gus.ok(frame("geo.location").put("lat", 52.4986).put("lon", 13.4030).put("source", "manual"));
            hana.ok(frame("hello").put("v", 1).put("token", "demo:Hana").put("device", "t"));
            hana.ok(frame("geo.location").put("lat", 52.5053).put("lon", 13.4030).put("source", "manual"));
            AtomicBoolean gusHere = new AtomicBoolean(true);
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
            heartbeat.scheduleAtFixedRate(() -> wire.submit(() -> { // both stay online (heartbeat 2 s) until they sign out
                try {
                    if (gusHere.get()) {
                        gus.ok(frame("ping"));
                    }
                    hana.ok(frame("ping"));
                } catch (Exception ignored) {
                    // the next ping tries again
                }
            }), 0, 1, TimeUnit.SECONDS);
            try {
                nearby(dave, "Gus");
                nearby(dave, "Hana");
                assertThat((Boolean) dave.executeScript("const l = [...document.querySelectorAll('#nearby-list li')]"
                        + ".map(li => li.dataset.user); return l.indexOf('Gus') >= 0 && l.indexOf('Gus') < l.indexOf('Hana')"))
                        .as("Gus listed above Hana").isTrue();
                dave.executeScript("document.querySelector(\"#nearby-list li[data-user='Hana'] .invite\").focus()");
                wire.submit(() -> {
                    gusHere.set(false);
                    gus.signOut();
                    return null;
                }).get(30, TimeUnit.SECONDS);
                until(dave, () -> !dave.findElements(By.cssSelector("#offline-list li[data-user='Gus']")).isEmpty());
                // The refresh that found Gus offline moved Hana's row up a place.
                assertThat((Boolean) dave.executeScript(hanaInvite)).as("focus kept when the row moved").isTrue();
            } finally {
                heartbeat.shutdownNow();
            }
            wire.submit(() -> {
                hana.signOut();
                return null;
            }).get(30, TimeUnit.SECONDS);
        } finally {
            wire.shutdownNow();
        }
        // Enter on a focused Invite button invites.
        dave.executeScript("document.querySelector(\"#nearby-list li[data-user='Erin'] .invite\").focus()");
        dave.switchTo().activeElement().sendKeys(Keys.ENTER);
        until(erin, () -> !erin.findElements(By.cssSelector("#invites .invite-card .accept")).isEmpty());
        click(erin, By.cssSelector("#invites .invite-card .accept"));
        until(dave, () -> "ACTIVE".equals(chatState(dave)));

        // The counter counts code points (an emoji is one) against the server's limit, and the composer keeps
        // its focus and text through a refresh.
        dave.findElement(By.id("chat-input")).sendKeys("Draft ");
        setComposer(dave, "Draft \uD83D\uDE00"); // "Draft 😀": 7 code points, 8 UTF-16 units
        assertThat(dave.findElement(By.id("counter")).getText()).isEqualTo("7 / " + limit + " characters");
        awaitNearbyRefresh(dave);
        assertThat(activeId(dave)).isEqualTo("chat-input");
        assertThat(dave.findElement(By.id("chat-input")).getAttribute("value")).isEqualTo("Draft \uD83D\uDE00");
        // Exactly the limit in emoji (twice as many UTF-16 units) goes out whole; one more cannot be sent.
        String full = "\uD83D\uDE00".repeat(limit);
        setComposer(dave, full);
        assertThat(dave.findElement(By.id("counter")).getText()).isEqualTo(limit + " / " + limit + " characters");
        assertThat(dave.findElement(By.id("chat-send")).isEnabled()).isTrue();
        dave.findElement(By.id("chat-send")).click();
        until(erin, () -> Long.valueOf(limit).equals(erin.executeScript("return Math.max(0, ...[...document.querySelectorAll("
                + "'#messages .message .text')].map(t => [...t.textContent].length))")));
        until(dave, () -> dave.findElements(By.cssSelector("#messages .message.pending")).isEmpty());
        setComposer(dave, full + "!");
        assertThat(dave.findElement(By.id("counter")).getText()).contains((limit + 1) + " / " + limit).contains("1 too many");
        assertThat(dave.findElement(By.id("chat-send")).isEnabled()).isFalse();
        dave.findElement(By.id("chat-input")).sendKeys(Keys.ENTER);
        assertThat(dave.findElements(By.cssSelector("#messages .message.pending"))).isEmpty();
        assertThat(dave.findElement(By.id("chat-input")).getAttribute("value")).isEqualTo(full + "!"); // not cut, not sent
        setComposer(dave, "");

        // Unsent text survives a reload: the socket is made unreachable (the client's WebSocket constructor
        // pointed at a closed port) and dropped; the message waits; after a reload it is sent once.
        dave.executeScript("const c = window.vicinity.client; c.WS = function () { return new WebSocket('ws://127.0.0.1:9/'); };"
                + "c.ws.close(4000, 'test drop');");
        until(dave, () -> "reconnecting".equals(status(dave)));
        send(dave, "Written before a reload");
        until(dave, () -> hasMessage(dave, "Written before a reload")
                && !dave.findElements(By.cssSelector("#messages .message.pending")).isEmpty());
        dave.navigate().refresh();
        until(erin, () -> hasMessage(erin, "Written before a reload"));
        until(dave, () -> "online".equals(status(dave)) && hasMessage(dave, "Written before a reload")
                && dave.findElements(By.cssSelector("#messages .message.pending")).isEmpty());
        assertThat(count(erin, "Written before a reload")).isEqualTo(1);
        assertThat(count(dave, "Written before a reload")).isEqualTo(1);

        // A second tab of the same browser (same device) takes the connection: the first is read-only with a
        // "Use it here" button that works.
        String first = dave.getWindowHandle();
        dave.switchTo().newWindow(WindowType.TAB);
        String second = dave.getWindowHandle();
        dave.get(url);
        until(dave, () -> "online".equals(status(dave)) && "ACTIVE".equals(chatState(dave)));
        dave.switchTo().window(first);
        until(dave, () -> "replaced".equals(status(dave)));
        assertThat(dave.findElement(By.id("replaced")).isDisplayed()).isTrue();
        assertThat(dave.findElement(By.id("chat-note")).getText()).contains("Read-only");
        assertThat(dave.findElement(By.id("chat-input")).isEnabled()).isFalse();
        assertThat(dave.findElement(By.id("chat-send")).isEnabled()).isFalse();
        assertThat(dave.findElement(By.id("leave")).isEnabled()).isFalse();
        assertThat(dave.findElement(By.id("block")).isEnabled()).isFalse();
        dave.findElement(By.id("take-over")).click();
        until(dave, () -> "online".equals(status(dave)) && dave.findElement(By.id("chat-input")).isEnabled());
        assertThat(dave.findElement(By.id("replaced")).isDisplayed()).isFalse();
        send(dave, "Back in the first tab");
        until(erin, () -> hasMessage(erin, "Back in the first tab"));
        dave.switchTo().window(second);
        until(dave, () -> "replaced".equals(status(dave)));
        dave.close();
        dave.switchTo().window(first);

        // Erin leaves. Dave already rated her from another device with the page's key; the page says so in words.
        erin.findElement(By.id("leave")).click();
        until(dave, () -> "ENDED".equals(chatState(dave)) && dave.findElement(By.id("rating-form")).isDisplayed());
        String session = (String) dave.executeScript("return window.vicinity.active");
        try (RawClient otherDevice = RawClient.connect(server.port())) {
            otherDevice.ok(frame("hello").put("v", 1).put("token", "demo:Dave").put("device", "other"));
            otherDevice.ok(frame("rating.submit").put("session", session).put("ratee", "Erin").put("stars", 2)
                    .put("idempotencyKey", session + ":Erin"));
            otherDevice.signOut();
        }
        dave.findElement(By.cssSelector("#stars .star[data-stars='5']")).click();
        dave.findElement(By.id("rating-submit")).click();
        WebElement result = dave.findElement(By.id("rating-result"));
        until(dave, () -> result.isDisplayed() && !result.getText().isBlank());
        assertThat(result.getAttribute("data-code")).isEqualTo("idempotency_key_reused");
        assertThat(result.getText()).isEqualTo("This chat was already rated from another tab or window.");
    }
}
