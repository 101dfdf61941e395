package dev.trestle.storage;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One context's read-model tables, created or migrated at start-up by {@link StorageStartup} (under
 * its migration lock). Each context owns its schema and registers it here, so storage knows no
 * context.
 */
@FunctionalInterface
public interface ReadModelSchema {
  /** Re-runnable: creates what is missing, changes nothing that is already in place. */
  void migrate(Connection connection) throws SQLException;
}
