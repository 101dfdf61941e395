package dev.trestle.it;

import dev.trestle.testsupport.PostgresFixture;
import dev.trestle.testsupport.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL database for one test class (a {@code static @RegisterExtension} field
 * declared before the {@link CentralServer} that uses it, so that it is dropped after that server
 * stopped). Created at once, because the server's options are built from it.
 */
final class PostgresDatabase implements AfterAllCallback {
  private final TestDatabase database;

  PostgresDatabase(String owner) {
    this.database = PostgresFixture.get().createDatabase(owner);
  }

  /** The server environment of the postgres profile on this database. */
  Map<String, String> serverEnv() {
    return Map.of(
        "TRESTLE_POSTGRES_URL", database.url(),
        "TRESTLE_POSTGRES_USER", database.user(),
        "TRESTLE_POSTGRES_PASSWORD", database.password());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    database.close();
  }
}
