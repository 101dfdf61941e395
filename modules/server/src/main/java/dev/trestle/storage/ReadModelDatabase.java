package dev.trestle.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The connection pool for read models (audit log, projection offsets). Same database as the
 * journal, its own small pool so queries never starve event writes.
 */
public final class ReadModelDatabase implements AutoCloseable {
  private final HikariDataSource dataSource;

  public ReadModelDatabase(String jdbcUrl, String user, String password, int poolSize) {
    var config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setPoolName("read-models");
    config.setAutoCommit(true);
    this.dataSource = new HikariDataSource(config);
  }

  /** The pool on the profile's database, sized by trestle.storage.pool-size. */
  public static ReadModelDatabase open(StorageSettings storage) {
    return new ReadModelDatabase(
        storage.jdbcUrl(), storage.user(), storage.password(), storage.poolSize());
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  public PlainJdbcSession newSession() {
    try {
      return new PlainJdbcSession(dataSource.getConnection());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open a read-model connection: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
