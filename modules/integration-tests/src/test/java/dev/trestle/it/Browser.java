package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by Selenium for the console's browser tests. The browser and driver are
 * Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them); their
 * paths are given explicitly (system properties {@code trestle.it.chromium} and {@code
 * trestle.it.chromedriver} override the Debian paths), so Selenium Manager downloads nothing. A
 * missing browser fails the test, it never skips it.
 */
final class Browser implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHROMIUM =
      System.getProperty("trestle.it.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER =
      System.getProperty("trestle.it.chromedriver", "/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;
  private final Path screenshots;
  private final String base;

  Browser(String base, Path workDir, Path screenshots) {
    this.base = base;
    this.screenshots = screenshots;
    assertThat(new File(CHROMIUM).canExecute())
        .as(
            "Chromium ("
                + CHROMIUM
                + ") is needed for the console's browser tests: apt-get install chromium")
        .isTrue();
    assertThat(new File(CHROMEDRIVER).canExecute())
        .as(
            "ChromeDriver ("
                + CHROMEDRIVER
                + ") is needed for the browser tests: apt-get install chromium-driver")
        .isTrue();
    try {
      profile = Files.createTempDirectory(workDir, "chromium-profile");
      Files.createDirectories(screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // Flags that work on this machine kind: no GPU, no network beyond loopback, a fresh profile.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
  }

  ChromeDriver driver() {
    return driver;
  }

  void open(String path) {
    driver.get(base + path);
  }

  WebElement await(String testId) {
    return new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(testId(testId)));
  }

  /** Waits until the element's text contains {@code text}; returns the element. */
  WebElement awaitText(String testId, String text) {
    new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.textToBePresentInElementLocated(testId(testId), text));
    return driver.findElement(testId(testId));
  }

  void awaitPageText(String text) {
    new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), text));
  }

  List<WebElement> all(String testId) {
    return driver.findElements(testId(testId));
  }

  void click(String testId) {
    new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.elementToBeClickable(testId(testId)))
        .click();
  }

  String text() {
    return driver.findElement(By.tagName("body")).getText();
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  /** Signs in through the login form with {@code token}; waits for the page frame. */
  void login(String token) {
    open("/ui/");
    await("login-page");
    var input = driver.findElement(By.id("token"));
    input.clear();
    input.sendKeys(token);
    click("login-submit");
  }

  void logout() {
    script("sessionStorage.clear()");
  }

  void screenshot(String name) {
    File file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    try {
      Files.copy(
          file.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static By testId(String id) {
    return By.cssSelector("[data-test='" + id + "']");
  }

  @Override
  public void close() {
    driver.quit();
  }
}
