package dev.trestle.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * PostgreSQL for tests, one server per test JVM: the one named by {@code TRESTLE_TEST_POSTGRES_URL}
 * (a superuser-capable database; user {@code TRESTLE_TEST_POSTGRES_USER}, default "postgres", no
 * password: loopback trust authentication), which {@code .ci/run} exports; when that is unset, a
 * {@link LocalPostgres} started from the Debian binaries and stopped at JVM exit. Each caller gets
 * a fresh database from {@link #createDatabase}. When neither way works, tests fail with a one-line
 * fix: they never skip.
 */
public final class PostgresFixture {
  public static final String URL_ENV = "TRESTLE_TEST_POSTGRES_URL";
  public static final String USER_ENV = "TRESTLE_TEST_POSTGRES_USER";
  static final String FIX =
      "install Debian package postgresql or set " + URL_ENV + " to a superuser-capable JDBC URL";
  private static final String URL_PREFIX = "jdbc:postgresql://";
  private static PostgresFixture instance;

  private final String adminUrl;
  private final String user;

  private PostgresFixture(String adminUrl, String user) {
    this.adminUrl = adminUrl;
    this.user = user;
  }

  /** The JVM's fixture, started on first use. */
  public static synchronized PostgresFixture get() {
    if (instance == null) {
      instance = create();
    }
    return instance;
  }

  private static PostgresFixture create() {
    String url = System.getenv(URL_ENV);
    String user = System.getenv(USER_ENV);
    user = user == null || user.isBlank() ? "postgres" : user.strip();
    if (url != null && !url.isBlank()) {
      if (!url.strip().startsWith(URL_PREFIX)) {
        throw new IllegalStateException(
            URL_ENV + " = '" + url + "' is not a jdbc:postgresql:// URL; " + FIX);
      }
      return new PostgresFixture(url.strip(), user);
    }
    try {
      LocalPostgres local = LocalPostgres.start();
      return new PostgresFixture(local.url("postgres"), "postgres");
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "no PostgreSQL for tests (" + e.getMessage() + "); " + FIX, e);
    }
  }

  public String user() {
    return user;
  }

  public String password() {
    return "";
  }

  /**
   * A new, empty database named after {@code owner} (e.g. the test class) plus a random suffix.
   * Close it to drop it.
   */
  public TestDatabase createDatabase(String owner) {
    String clean = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    if (clean.length() > 40) {
      clean = clean.substring(clean.length() - 40);
    }
    String name = "t_" + clean + "_" + UUID.randomUUID().toString().substring(0, 8);
    execute("CREATE DATABASE " + name);
    return new TestDatabase(this, name, urlOf(name));
  }

  void drop(String name) {
    // WITH (FORCE): a crashed server under test may still hold connections.
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** The admin URL with another database name, parameters kept. */
  String urlOf(String database) {
    int slash = adminUrl.indexOf('/', URL_PREFIX.length());
    int query = adminUrl.indexOf('?');
    String hostPart =
        adminUrl.substring(0, slash >= 0 ? slash : query >= 0 ? query : adminUrl.length());
    return hostPart + "/" + database + (query >= 0 ? adminUrl.substring(query) : "");
  }

  private void execute(String sql) {
    var props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password());
    props.setProperty("connectTimeout", "10");
    try (Connection c = DriverManager.getConnection(adminUrl, props);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "test PostgreSQL "
              + adminUrl
              + " as "
              + user
              + ": "
              + sql
              + " failed: "
              + e.getMessage()
              + "; "
              + FIX,
          e);
    }
  }
}
