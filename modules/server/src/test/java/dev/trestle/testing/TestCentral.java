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
  private Central central;

  private TestCentral(Path dataDir) throws Exception {
    this.dataDir = dataDir;
    this.central = start(dataDir);
  }

  public static TestCentral start() throws Exception {
    return new TestCentral(Files.createTempDirectory("trestle-test-"));
  }

  private static Central start(Path dataDir) throws Exception {
    var args =
        new ServerArgs(
            Optional.empty(), Optional.of(dataDir), Optional.of(0), Optional.of(0), Optional.of(0));
    return Central.start(Settings.load(args));
  }

  /** Stops gracefully and starts again on the same data directory. */
  public void restart() throws Exception {
    central.close();
    central = start(dataDir);
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
