package dev.trestle.observability;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.journal.JdbcAsyncWriteJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import slick.jdbc.hikaricp.HikariCPJdbcDataSource;

/**
 * HikariCP's own Micrometer meters ({@code hikaricp_connections_*{pool}}) for the node's connection
 * pools: the read-model pool and the journal's slick pools (writes, read side).
 */
public final class PoolMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(PoolMetrics.class);

  private PoolMetrics() {}

  /** Meters a Hikari pool; any other DataSource is left alone (and said so). */
  public static void bind(DataSource dataSource, MeterRegistry registry) {
    try {
      if (dataSource.isWrapperFor(HikariDataSource.class)) {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        if (hikari.getMetricRegistry() == null) {
          hikari.setMetricRegistry(registry);
        }
        return;
      }
    } catch (SQLException e) {
      // isWrapperFor/unwrap of a HikariDataSource never throw; other pools fall through.
    }
    LOG.info(
        "connection pool {} is not HikariCP: no pool metrics", dataSource.getClass().getName());
  }

  /**
   * The read-model pool and, on the JDBC journal, the journal's pool (after the schema step opened
   * it).
   */
  public static void bindAll(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      DataSource readModels,
      MeterRegistry registry) {
    bind(readModels, registry);
    bindJournal(system.classicSystem(), registry);
  }

  private static void bindJournal(ActorSystem system, MeterRegistry registry) {
    var config = system.settings().config();
    String journal = config.getString("pekko.persistence.journal.plugin");
    if (config.hasPath(journal + ".target-plugin")) {
      journal = config.getString(journal + ".target-plugin"); // behind the MeteredJournal
    }
    if (!config.hasPath(journal + ".class")
        || !config.getString(journal + ".class").equals(JdbcAsyncWriteJournal.class.getName())) {
      return; // not pekko-persistence-jdbc (e.g. Cassandra): no JDBC pool to meter
    }
    var slick = (SlickExtensionImpl) SlickExtension.get(system);
    // The write pool, then the read journal's own pool (trestle-persistence.conf).
    for (String plugin : List.of(journal, "jdbc-read-journal")) {
      var source = slick.database(config.getConfig(plugin)).database().source();
      if (source instanceof HikariCPJdbcDataSource hikari) {
        bind(hikari.ds(), registry);
      } else {
        LOG.info("journal pool {} is not HikariCP: no pool metrics", source.getClass().getName());
      }
    }
  }
}
