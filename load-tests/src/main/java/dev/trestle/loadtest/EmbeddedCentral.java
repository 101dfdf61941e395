package dev.trestle.loadtest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trestle.app.Central;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * A real central node in this JVM with the default configuration ("embedded" profile: H2 file
 * database) on a throw-away data directory and ephemeral loopback ports. Created first, so a
 * scenario can prepare the database under the node's own JDBC URL, then started.
 */
public final class EmbeddedCentral implements AutoCloseable {
  private final Path dataDir;
  private final boolean keepData;
  private final Config config;
  private final Settings settings;
  private final Thread cleanupOnExit;
  private Central central;

  private EmbeddedCentral(Path dataDir, boolean keepData, Config config) {
    this.dataDir = dataDir;
    this.keepData = keepData;
    this.config = config;
    this.settings = Settings.from(config);
    this.cleanupOnExit = new Thread(this::deleteQuietly, "trestle-bench-cleanup");
    if (!keepData) {
      Runtime.getRuntime().addShutdownHook(cleanupOnExit); // also when the run is interrupted
    }
  }

  /** A node on a new temporary data directory, not started yet. */
  public static EmbeddedCentral create(boolean keepData) throws IOException {
    return create(keepData, Map.of());
  }

  /** The same with configuration overrides (e.g. {@code trestle.limits.writes-per-second}). */
  public static EmbeddedCentral create(boolean keepData, Map<String, Object> overrides)
      throws IOException {
    return on(Files.createTempDirectory("trestle-bench-"), keepData, overrides);
  }

  /**
   * A node on {@code dir} (created when missing, kept afterwards): a data set prepared by an
   * earlier run can be measured again.
   */
  public static EmbeddedCentral open(Path dir, Map<String, Object> overrides) throws IOException {
    Files.createDirectories(dir);
    return on(dir, true, overrides);
  }

  private static EmbeddedCentral on(Path dir, boolean keepData, Map<String, Object> overrides)
      throws IOException {
    // As a config file, not layered on top: the server derives Pekko's keys (journal plugin,
    // connection pools) from trestle.storage.* while loading, so a profile given here must be
    // seen by Settings.load.
    // Owner-only, as the server expects of every file in its data directory (DataDirectory).
    // A reused directory (open) gets this run's overrides.
    Files.deleteIfExists(dir.resolve("bench-overrides.conf"));
    Path file =
        Files.createFile(
            dir.resolve("bench-overrides.conf"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, ConfigFactory.parseMap(overrides).root().render());
    var args =
        new ServerArgs(
            Optional.of(file), Optional.of(dir), Optional.of(0), Optional.of(0), Optional.of(0));
    return new EmbeddedCentral(dir, keepData, Settings.load(args));
  }

  /** Starts the node and waits until it is ready. */
  public EmbeddedCentral start() throws Exception {
    central = Central.start(config);
    return this;
  }

  public int managementPort() {
    return central.managementPort();
  }

  public int edgePort() {
    return central.edgeAddress().getPort();
  }

  public Settings settings() {
    return settings;
  }

  public int apiPort() {
    return central.apiAddress().getPort();
  }

  /**
   * The node's own database (profile, URL, credentials); in this JVM it opens the same instance.
   */
  public dev.trestle.storage.StorageSettings storage() {
    return settings.storage();
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * The bearer token of the initial administrator, which a node in the default "secure" mode writes
   * under its data directory on first start; empty when there is none (no authentication).
   */
  public Optional<String> adminToken() throws IOException {
    String key = "trestle.security.admin-token-file";
    if (!config.hasPath(key)) {
      return Optional.empty();
    }
    Path file = dataDir.resolve(config.getString(key));
    return Files.isReadable(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
  }

  /** Bytes of the H2 files under the data directory. */
  public long databaseBytes() throws IOException {
    try (var files = Files.walk(dataDir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (central != null) {
        central.close();
      }
    } finally {
      if (!keepData) {
        deleteQuietly();
        try {
          Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or will run; it deletes nothing that is left
        }
      }
    }
  }

  private void deleteQuietly() {
    if (!Files.exists(dataDir)) {
      return;
    }
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      System.err.println("[bench] could not delete " + dataDir + ": " + e);
    }
  }
}
