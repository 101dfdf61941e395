package dev.trestle.testing;

import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.testsupport.PostgresFixture;
import dev.trestle.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The database a test class runs on: in-memory/file H2 (the embedded profile) or a fresh PostgreSQL
 * database per class from {@link PostgresFixture}. Tests take it as a parameter ({@link
 * StorageSelection}) so that one test class runs on both.
 */
@SuppressWarnings("deprecation") // CloseableResource: closed with the class's extension store
public final class TestStorage implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private final String owner;
  private final TestDatabase central;
  private final List<AutoCloseable> opened = new ArrayList<>();

  private TestStorage(String owner, TestDatabase central) {
    this.owner = owner;
    this.central = central;
  }

  public static TestStorage h2() {
    return new TestStorage(null, null);
  }

  /** A fresh database for the class's central node (more come from {@link #freshReadModels}). */
  public static TestStorage postgres(String owner) {
    return new TestStorage(owner, PostgresFixture.get().createDatabase(owner));
  }

  public boolean isPostgres() {
    return central != null;
  }

  /**
   * HOCON for a central node of this class: empty for H2 (data-dir), the postgres profile
   * otherwise.
   */
  public String centralConfig() {
    if (central == null) {
      return "";
    }
    return "trestle.storage.profile = postgres\n"
        + "trestle.storage.postgres.url = \""
        + central.url()
        + "\"\n"
        + "trestle.storage.postgres.user = \""
        + central.user()
        + "\"\n"
        + "trestle.storage.postgres.password = \""
        + central.password()
        + "\"\n";
  }

  /** The class's central database (PostgreSQL only). */
  public TestDatabase database() {
    if (central == null) {
      throw new IllegalStateException("H2 storage has no PostgreSQL database");
    }
    return central;
  }

  /** An empty read-model database of its own (H2 in memory, or a new PostgreSQL database). */
  public synchronized ReadModelDatabase freshReadModels(int poolSize) {
    if (central == null) {
      return new ReadModelDatabase(
          "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", poolSize);
    }
    TestDatabase db = PostgresFixture.get().createDatabase(owner);
    opened.add(db);
    var readModels = new ReadModelDatabase(db.url(), db.user(), db.password(), poolSize);
    opened.add(0, readModels); // closed before its database is dropped
    return readModels;
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
    opened.clear();
    if (central != null) {
      central.close();
    }
  }

  @Override
  public String toString() {
    return isPostgres() ? "postgres" : "h2";
  }
}
