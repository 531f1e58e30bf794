package dev.medforge.gateway.console;

import dev.medforge.gateway.KeycloakTokens;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Debian's headless chromium, driven through chromium-driver, with a profile of its own that is
 * deleted on close. The launcher installs both packages ({@code ensure_chromium} in infra/lib).
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String CHROMIUM = System.getProperty("medforge.chromium", "/usr/bin/chromium");
    private static final String DRIVER = System.getProperty("medforge.chromedriver", "/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final Path profile;
    private final String base;

    /** @param base the gateway, e.g. {@code http://127.0.0.1:PORT} */
    Browser(String base) throws IOException {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(DRIVER))) {
            throw new IllegalStateException("the console's browser tests need " + CHROMIUM + " and " + DRIVER
                    + ": ./medforge test installs them, or apt-get install -y chromium chromium-driver");
        }
        this.base = base;
        this.profile = Files.createTempDirectory("medforge-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM);
        // The machine has no network beyond loopback: without these, chromium keeps trying to reach
        // its update, sync and QUIC endpoints and floods the log with refused connections.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1700", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    /** Opens a console page; the first one goes through Keycloak's real login form as {@code user}. */
    Browser signIn(String user) {
        driver.get(base + "/console");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.until(ExpectedConditions.urlContains("/protocol/openid-connect/auth"));
        if (!driver.getCurrentUrl().startsWith(KeycloakTokens.ISSUER)) {
            throw new AssertionError("the console sent the browser to " + driver.getCurrentUrl() + ", not to " + KeycloakTokens.ISSUER);
        }
        if (!driver.getCurrentUrl().contains("code_challenge_method=S256")) {
            throw new AssertionError("the authorization request carries no PKCE S256 challenge: " + driver.getCurrentUrl());
        }
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(KeycloakTokens.PASSWORD);
        driver.findElement(By.id("kc-login")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(base + "/console"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), user));
        return this;
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** How long the page on screen took to load, in milliseconds (Navigation Timing), printed for the record. */
    double loadMillis() {
        Number ms = (Number) driver.executeScript("return performance.getEntriesByType('navigation')[0].duration");
        System.out.printf("console page %s loaded in %.0f ms%n", driver.getCurrentUrl(), ms.doubleValue());
        return ms.doubleValue();
    }

    WebElement waitFor(By locator) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(locator));
    }

    WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(driver, timeout);
    }

    /** The whole window, or one element of it, as a PNG under target/console-screenshots/. */
    Path screenshot(String name, TakesScreenshot of) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, of.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    Path screenshot(String name) throws IOException {
        return screenshot(name, driver);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
