package dev.trestle.testing;

import dev.trestle.app.Central;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/** A real central node on loopback with ephemeral ports and a throw-away data directory. */
public final class TestCentral implements AutoCloseable {
  private final Path dataDir;
  private final boolean insecureDev;
  private final Optional<Path> configFile;
  private Central central;

  private TestCentral(Path dataDir, boolean insecureDev, Optional<Path> configFile)
      throws Exception {
    this.dataDir = dataDir;
    this.insecureDev = insecureDev;
    this.configFile = configFile;
    this.central = start(dataDir, insecureDev, configFile);
  }

  private TestCentral(Path dataDir, boolean insecureDev) throws Exception {
    this(dataDir, insecureDev, Optional.empty());
  }

  /** Secure mode with extra HOCON configuration (written to a config file in the data dir). */
  public static TestCentral startSecure(String hocon) throws Exception {
    Path dir = Files.createTempDirectory("trestle-test-");
    Path conf = dir.resolve("test.conf");
    Files.writeString(conf, hocon);
    return new TestCentral(dir, false, Optional.of(conf));
  }

  /**
   * Insecure-dev mode with extra HOCON configuration (written to a config file in the data dir).
   */
  public static TestCentral start(String hocon) throws Exception {
    Path dir = Files.createTempDirectory("trestle-test-");
    Path conf = dir.resolve("test.conf");
    Files.writeString(conf, hocon);
    return new TestCentral(dir, true, Optional.of(conf));
  }

  /** Insecure-dev mode on {@code storage} (H2 under the data dir, or its PostgreSQL database). */
  public static TestCentral start(TestStorage storage) throws Exception {
    return start(storage.centralConfig());
  }

  /** Insecure-dev mode on {@code storage} with extra HOCON configuration. */
  public static TestCentral start(TestStorage storage, String hocon) throws Exception {
    return start(storage.centralConfig() + hocon);
  }

  /** Secure mode on {@code storage} with extra HOCON configuration. */
  public static TestCentral startSecure(TestStorage storage, String hocon) throws Exception {
    return startSecure(storage.centralConfig() + hocon);
  }

  /** In insecure-dev mode: callers name themselves with x-trestle-user. */
  public static TestCentral start() throws Exception {
    return new TestCentral(Files.createTempDirectory("trestle-test-"), true);
  }

  /** In secure mode: bearer tokens required; the admin token is in {@link #adminToken()}. */
  public static TestCentral startSecure() throws Exception {
    return new TestCentral(Files.createTempDirectory("trestle-test-"), false);
  }

  private static Central start(Path dataDir, boolean insecureDev, Optional<Path> configFile)
      throws Exception {
    var args =
        new ServerArgs(
                configFile, Optional.of(dataDir), Optional.of(0), Optional.of(0), Optional.of(0))
            .withInsecureDev(insecureDev);
    return Central.start(Settings.load(args));
  }

  public String adminToken() throws java.io.IOException {
    return Files.readString(dataDir.resolve("admin.token")).strip();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops gracefully and starts again on the same data directory. */
  public void restart() throws Exception {
    central.close();
    central = start(dataDir, insecureDev, configFile);
  }

  public Central central() {
    return central;
  }

  public int apiPort() {
    return central.apiAddress().getPort();
  }

  @Override
  public void close() throws Exception {
    try {
      central.close();
    } finally {
      try (var files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
