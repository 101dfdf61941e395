package dev.trestle.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Trestle's server settings, read once from the layered configuration. */
public record Settings(
    Path dataDir,
    String apiHost,
    int apiPort,
    Duration askTimeout,
    String edgeHost,
    int edgePort,
    String managementHost,
    int managementPort,
    dev.trestle.storage.StorageSettings storage,
    int poolSize,
    java.util.Optional<Duration> auditRetention,
    Duration auditRetentionInterval,
    int auditScanBudget,
    Duration lagPollInterval,
    boolean insecureDev,
    Path adminTokenFile,
    double writesPerSecond,
    int writeBurst,
    TlsSettings tls) {

  /** TLS for the API port; the password is excluded from toString. */
  public record TlsSettings(String mode, Path keystore, String keystorePassword) {
    /** Whether the ports speak TLS (any mode but {@code off}). */
    public boolean enabled() {
      return !mode.equals("off");
    }

    @Override
    public String toString() {
      return "TlsSettings[mode=" + mode + ", keystore=" + keystore + "]";
    }
  }

  /** Command-line overrides, then the config file, then application.conf and reference.conf. */
  public static Config load(ServerArgs args) {
    Map<String, Object> overrides = new HashMap<>();
    args.dataDir().ifPresent(d -> overrides.put("trestle.data-dir", d.toString()));
    args.profile().ifPresent(p -> overrides.put("trestle.storage.profile", p));
    args.apiPort().ifPresent(p -> overrides.put("trestle.api.port", p));
    args.edgePort().ifPresent(p -> overrides.put("trestle.edge.port", p));
    args.managementPort().ifPresent(p -> overrides.put("trestle.management.port", p));
    args.clusterPort().ifPresent(p -> overrides.put("trestle.cluster.port", p));
    if (args.insecureDev()) {
      overrides.put("trestle.security.mode", "insecure-dev");
    }
    Config file = ConfigFactory.empty();
    if (args.configFile().isPresent()) {
      Path path = args.configFile().get();
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException("--config " + path + ": file not found or not readable");
      }
      file = ConfigFactory.parseFile(path.toFile());
    }
    Config layered =
        ConfigFactory.parseMap(overrides)
            .withFallback(file)
            .withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    Settings settings = from(layered);
    return ConfigFactory.parseMap(settings.derivedPekkoKeys(layered))
        .withFallback(layered)
        .resolve();
  }

  public static Settings from(Config config) {
    Config t = config.getConfig("trestle");
    Path dataDir = Path.of(t.getString("data-dir")).toAbsolutePath().normalize();
    return new Settings(
        Path.of(t.getString("data-dir")).toAbsolutePath().normalize(),
        t.getString("api.host"),
        port(t, "api.port"),
        t.getDuration("api.ask-timeout"),
        t.getString("edge.host"),
        port(t, "edge.port"),
        t.getString("management.host"),
        port(t, "management.port"),
        dev.trestle.storage.StorageSettings.from(t, dataDir),
        t.getInt("storage.pool-size"),
        retention(t),
        t.getDuration("audit.retention-interval"),
        scanBudget(t),
        t.getDuration("audit.lag-poll-interval"),
        insecureDev(t),
        Path.of(t.getString("data-dir"))
            .toAbsolutePath()
            .normalize()
            .resolve(t.getString("security.admin-token-file")),
        t.getDouble("limits.writes-per-second"),
        t.getInt("limits.write-burst"),
        tls(t));
  }

  private static TlsSettings tls(Config t) {
    String mode = t.getString("tls.mode");
    if (!java.util.Set.of("off", "keystore", "self-signed").contains(mode)) {
      throw new IllegalArgumentException(
          "trestle.tls.mode = '" + mode + "' is not supported; use off, keystore or self-signed");
    }
    String keystore = t.getString("tls.keystore");
    if (mode.equals("keystore") && keystore.isBlank()) {
      throw new IllegalArgumentException("trestle.tls.mode = keystore needs trestle.tls.keystore");
    }
    return new TlsSettings(
        mode, keystore.isBlank() ? null : Path.of(keystore), t.getString("tls.keystore-password"));
  }

  private static boolean insecureDev(Config t) {
    String mode = t.getString("security.mode");
    return switch (mode) {
      case "secure" -> false;
      case "insecure-dev" -> true;
      default ->
          throw new IllegalArgumentException(
              "trestle.security.mode = '"
                  + mode
                  + "' is not supported; use 'secure' or 'insecure-dev'");
    };
  }

  private static int scanBudget(Config t) {
    int budget = t.getInt("audit.scan-budget");
    if (budget < 1 || budget > 10_000_000) {
      throw new IllegalArgumentException(
          "trestle.audit.scan-budget = " + budget + " must be between 1 and 10000000 rows");
    }
    return budget;
  }

  private static java.util.Optional<Duration> retention(Config t) {
    String raw = t.getString("audit.retention").strip();
    if (raw.equalsIgnoreCase("off")) {
      return java.util.Optional.empty();
    }
    try {
      Duration d = t.getDuration("audit.retention");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("trestle.audit.retention must be positive or \"off\"");
      }
      return java.util.Optional.of(d);
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(
          "trestle.audit.retention = '" + raw + "' is neither \"off\" nor a duration like 90d");
    }
  }

  private static int port(Config t, String key) {
    int p = t.getInt(key);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("trestle." + key + " = " + p + " is not a port (0-65535)");
    }
    return p;
  }

  /** embedded, postgres, ...: see {@link dev.trestle.storage.StorageSettings}. */
  public String storageProfile() {
    return storage.profile();
  }

  /** The JDBC URL of the profile's database (H2 under data-dir, or PostgreSQL). */
  public String jdbcUrl() {
    return storage.jdbcUrl();
  }

  Map<String, Object> derivedPekkoKeys(Config config) {
    Map<String, Object> keys = new HashMap<>(storage.pekkoKeys());
    if (storage.isCassandra()) {
      keys.putAll(dev.trestle.storage.CassandraSettings.from(config).pekkoKeys());
    }
    return keys;
  }
}
