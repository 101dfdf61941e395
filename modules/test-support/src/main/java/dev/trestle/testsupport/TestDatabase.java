package dev.trestle.testsupport;

/**
 * One fresh PostgreSQL database of a test (class): JDBC URL, user and password (empty on the
 * fixture's loopback trust authentication). Dropped when closed.
 */
public final class TestDatabase implements AutoCloseable {
  private final PostgresFixture fixture;
  private final String name;
  private final String url;
  private boolean dropped;

  TestDatabase(PostgresFixture fixture, String name, String url) {
    this.fixture = fixture;
    this.name = name;
    this.url = url;
  }

  public String name() {
    return name;
  }

  public String url() {
    return url;
  }

  public String user() {
    return fixture.user();
  }

  public String password() {
    return fixture.password();
  }

  /** Drops the database (closing its remaining connections); repeated calls do nothing. */
  @Override
  public synchronized void close() {
    if (!dropped) {
      dropped = true;
      fixture.drop(name);
    }
  }

  @Override
  public String toString() {
    return "TestDatabase[" + url + " as " + user() + "]";
  }
}
