package dev.trestle.storage;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the journal, snapshots, projection offsets and read models live: the storage profile
 * ({@code trestle.storage.*}) resolved to one JDBC database. The password is never part of {@link
 * #toString()} or of any message built here.
 */
public record StorageSettings(
    String profile, String jdbcUrl, String user, String password, int poolSize) {
  public static final String EMBEDDED = "embedded";
  public static final String POSTGRES = "postgres";
  public static final String CASSANDRA = "cassandra";
  private static final String POSTGRES_URL_PREFIX = "jdbc:postgresql:";

  /** Reads {@code trestle.storage}; {@code dataDir} is where the embedded profile keeps H2. */
  public static StorageSettings from(Config trestle, Path dataDir) {
    String profile = trestle.getString("storage.profile").strip();
    int poolSize = trestle.getInt("storage.pool-size");
    if (poolSize < 1 || poolSize > 200) {
      throw new IllegalArgumentException(
          "trestle.storage.pool-size = " + poolSize + " must be between 1 and 200 connections");
    }
    return switch (profile) {
      case EMBEDDED -> new StorageSettings(EMBEDDED, h2Url(dataDir), "sa", "", poolSize);
      case POSTGRES -> postgres(POSTGRES, trestle.getConfig("storage.postgres"), poolSize);
      // The journal goes to Cassandra (CassandraSettings); read models, snapshots of projections
      // and offsets stay in JDBC: PostgreSQL when it is configured, else H2 under data-dir.
      case CASSANDRA ->
          trestle.getString("storage.postgres.url").isBlank()
              ? new StorageSettings(CASSANDRA, h2Url(dataDir), "sa", "", poolSize)
              : postgres(CASSANDRA, trestle.getConfig("storage.postgres"), poolSize);
      default ->
          throw new IllegalArgumentException(
              "trestle.storage.profile = '"
                  + profile
                  + "' is not supported; use 'embedded', 'postgres' or 'cassandra'");
    };
  }

  private static StorageSettings postgres(String profile, Config pg, int poolSize) {
    String url = pg.getString("url").strip();
    if (url.isEmpty()) {
      throw new IllegalArgumentException(
          "trestle.storage.profile = "
              + profile
              + " needs trestle.storage.postgres.url"
              + " (TRESTLE_POSTGRES_URL), e.g. jdbc:postgresql://127.0.0.1:5432/trestle");
    }
    if (!url.startsWith(POSTGRES_URL_PREFIX)) {
      throw new IllegalArgumentException(
          "trestle.storage.postgres.url = '"
              + withoutParameters(url)
              + "' is not a PostgreSQL JDBC URL; it must start with "
              + POSTGRES_URL_PREFIX);
    }
    String user = pg.getString("user").strip();
    if (user.isEmpty()) {
      throw new IllegalArgumentException(
          "trestle.storage.postgres.user (TRESTLE_POSTGRES_USER) must not be empty");
    }
    return new StorageSettings(profile, url, user, password(pg), poolSize);
  }

  /** The password file wins over the inline password; one trailing newline is not part of it. */
  private static String password(Config pg) {
    String file = pg.getString("password-file").strip();
    if (file.isEmpty()) {
      return pg.getString("password");
    }
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      return text.endsWith("\n")
          ? text.substring(0, text.length() - 1).replaceAll("\r$", "")
          : text;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "trestle.storage.postgres.password-file = "
              + file
              + ": cannot read it ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /**
   * The H2 file database under the data directory; WRITE_DELAY=0 so a commit is on disk.
   * DB_CLOSE_ON_EXIT=FALSE: H2's own JVM-exit hook would close the database under projections and
   * entities that coordinated shutdown is still stopping; it closes with the last pool.
   */
  static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.resolve("trestle") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Whether the JDBC database (journal or, on cassandra, read models) is PostgreSQL. */
  public boolean isPostgres() {
    return jdbcUrl.startsWith(POSTGRES_URL_PREFIX);
  }

  public boolean isCassandra() {
    return profile.equals(CASSANDRA);
  }

  /** The Pekko keys this profile decides: slick profile and connection, projection dialect. */
  public Map<String, Object> pekkoKeys() {
    var keys = new HashMap<String, Object>();
    // The journal's write pool and its read-side pool (trestle-persistence.conf): one database.
    for (String pool : List.of("slick", "slick-read")) {
      String slick = "pekko-persistence-jdbc.shared-databases." + pool + ".";
      keys.put(
          slick + "profile",
          isPostgres() ? "slick.jdbc.PostgresProfile$" : "slick.jdbc.H2Profile$");
      keys.put(slick + "db.url", jdbcUrl);
      keys.put(slick + "db.driver", isPostgres() ? "org.postgresql.Driver" : "org.h2.Driver");
      keys.put(slick + "db.user", user);
      keys.put(slick + "db.password", password);
    }
    keys.put("pekko.projection.jdbc.dialect", isPostgres() ? "postgres-dialect" : "h2-dialect");
    return keys;
  }

  /** A plain connection (schema steps, tools, tests); PostgreSQL gets bounded connect waits. */
  public Connection openConnection() throws SQLException {
    var props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    if (isPostgres()) {
      props.setProperty("connectTimeout", "10");
      props.setProperty("loginTimeout", "15");
      props.setProperty("socketTimeout", "0");
    }
    return DriverManager.getConnection(jdbcUrl, props);
  }

  /**
   * The database for messages and logs: URL without its parameters (they may hold secrets), user.
   */
  public String describe() {
    return (isPostgres() ? "PostgreSQL " : "H2 ") + withoutParameters(jdbcUrl) + " as user " + user;
  }

  private static String withoutParameters(String url) {
    int q = url.indexOf('?');
    int semicolon = url.startsWith("jdbc:h2:") ? url.indexOf(';') : -1;
    int cut = q >= 0 ? q : semicolon;
    return cut >= 0 ? url.substring(0, cut) : url;
  }

  @Override
  public String toString() {
    return "StorageSettings[profile="
        + profile
        + ", database="
        + describe()
        + ", poolSize="
        + poolSize
        + "]";
  }
}
