package dev.trestle.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra keyspace and the journal's and snapshot store's tables, created at start with the
 * plugin's own statements (all {@code IF NOT EXISTS}, so every node may run them) and the
 * configured replication. The plugin's auto-create stays off: it would race between nodes and
 * create the keyspace with whatever replication it defaults to.
 */
final class CassandraSchema {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraSchema.class);

  private CassandraSchema() {}

  static CompletionStage<Done> create(ActorSystem<?> system, Duration timeout) {
    var statements =
        new KeyspaceAndTableStatements(
            system, CassandraSettings.PLUGIN, PluginSettings.apply(system.classicSystem()));
    List<String> ddl = new ArrayList<>();
    ddl.add(statements.createJournalKeyspaceStatement());
    ddl.addAll(statements.getCreateJournalTablesStatements());
    ddl.add(statements.createSnapshotKeyspaceStatement());
    ddl.addAll(statements.getCreateSnapshotTablesStatements());
    String where =
        system
            .settings()
            .config()
            .getList("datastax-java-driver.basic.contact-points")
            .unwrapped()
            .toString();
    // One after the other: schema changes must not run concurrently on one Cassandra cluster.
    // Each with its own timeout: DDL waits for schema agreement, far longer than a write may.
    Duration perStatement = timeout.dividedBy(2);
    CompletionStage<CqlSession> session =
        CassandraSessionRegistry.get(system).sessionFor(CassandraSettings.PLUGIN).underlying();
    CompletionStage<?> done = session;
    for (String statement : ddl) {
      var ddlStatement = SimpleStatement.newInstance(statement).setTimeout(perStatement);
      done = done.thenCompose(x -> session.thenCompose(cql -> cql.executeAsync(ddlStatement)));
    }
    return done.toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (d, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                // No cause chain: start-up failures print the innermost cause, and this message
                // is the one that says where and what.
                var failure =
                    new IllegalStateException(
                        "cannot create the Cassandra journal schema at contact points "
                            + where
                            + ": "
                            + cause);
                failure.addSuppressed(cause);
                throw new CompletionException(failure);
              }
              LOG.info(
                  "Cassandra keyspace and tables ready at {} ({} statements)", where, ddl.size());
              return Done.getInstance();
            });
  }
}
