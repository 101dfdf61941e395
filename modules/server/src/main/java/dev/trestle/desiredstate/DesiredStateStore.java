package dev.trestle.desiredstate;

import dev.trestle.desiredstate.DesiredObjectTables.Change;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredSnapshot;
import dev.trestle.rollouts.RolloutInputs;
import dev.trestle.translator.ObjectKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Reads the desired state the projection wrote: what edge sessions stream and what status shows.
 * Every call runs its JDBC on the given (blocking) executor. A snapshot or delta is consistent: it
 * is read again when the cluster's version moved while it was being read.
 */
public final class DesiredStateStore {
  private static final int CONSISTENT_READ_ATTEMPTS = 20;

  private final DataSource dataSource;
  private final Executor blocking;

  public DesiredStateStore(DataSource dataSource, Executor blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  @FunctionalInterface
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> CompletionStage<T> async(Query<T> query) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return query.run(c);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        blocking);
  }

  /**
   * The service catalog (docs/multicluster.md) over the given clusters (those the caller may read),
   * by organization, namespace, name; {@code namespace} empty for all.
   */
  public CompletionStage<List<dev.trestle.protocol.v1.CatalogService>> services(
      java.util.Collection<String> clusterFqns, String namespace) {
    return async(
        c -> ServiceCatalogQuery.read(c, clusterFqns, namespace == null ? "" : namespace.strip()));
  }

  /** The revision rollouts and their clusters' namespace labels ({@link RolloutInputs}). */
  public CompletionStage<RolloutInputs> rolloutInputs() {
    return async(RolloutInputsReader::read);
  }

  /** How many resources of one kind an organization holds. */
  public record KindCount(String org, String kind, long count) {}

  /** The stored configuration's resources counted by organization and kind. */
  public CompletionStage<List<KindCount>> resourceCounts() {
    return async(
        c -> {
          var out = new ArrayList<KindCount>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT org, kind, COUNT(*) FROM "
                          + DesiredStateSchema.RESOURCES
                          + " GROUP BY org, kind ORDER BY org, kind");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new KindCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
          }
          return out;
        });
  }

  /** The FQNs of the organization's stored resources of one kind. */
  public CompletionStage<List<String>> resourceFqns(String org, String kind) {
    return async(
        c -> {
          var out = new ArrayList<String>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT fqn FROM "
                      + DesiredStateSchema.RESOURCES
                      + " WHERE org = ? AND kind = ? ORDER BY fqn")) {
            ps.setString(1, org);
            ps.setString(2, kind);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  /** The cluster's version and set hash; version 0 and the empty set's hash when unknown. */
  public CompletionStage<DesiredVersion> current(String clusterFqn) {
    return async(c -> current(c, clusterFqn));
  }

  private static DesiredVersion current(Connection c, String clusterFqn) throws SQLException {
    return DesiredStateTables.readCluster(c, clusterFqn)
        .filter(ClusterRow::present)
        .map(r -> new DesiredVersion(clusterFqn, true, r.version(), r.setHash()))
        .orElse(new DesiredVersion(clusterFqn, false, 0, DesiredStateHandler.EMPTY_SET_HASH));
  }

  /** Everything the cluster must run now (empty, version 0, for an unknown cluster). */
  public CompletionStage<DesiredSnapshot> snapshot(String clusterFqn) {
    return async(
        c -> {
          for (int attempt = 0; attempt < CONSISTENT_READ_ATTEMPTS; attempt++) {
            DesiredVersion before = current(c, clusterFqn);
            var b =
                DesiredSnapshot.newBuilder()
                    .setVersion(before.version())
                    .setSetHash(before.setHash());
            if (before.known()) {
              DesiredObjectTables.loadObjects(c, clusterFqn)
                  .values()
                  .forEach(o -> b.addObjects(o.toProto()));
            }
            if (current(c, clusterFqn).equals(before)) {
              return b.build();
            }
          }
          throw new SQLException("desired state of " + clusterFqn + " kept changing while read");
        });
  }

  /**
   * The changes that take the cluster from {@code fromVersion} to its current version, collapsed:
   * for each object key only the last operation counts (an upsert carries the current object). A
   * key created and deleted again after {@code fromVersion} is sent as a delete, so an edge must
   * ignore deletes of objects it does not have. Empty when the cluster is unknown, when {@code
   * fromVersion} is ahead of the current version, or when it is older than the kept history (then
   * the caller sends a {@link #snapshot}); a delta without changes when {@code fromVersion} is the
   * current version.
   */
  public CompletionStage<Optional<DesiredDelta>> delta(String clusterFqn, long fromVersion) {
    return async(
        c -> {
          for (int attempt = 0; attempt < CONSISTENT_READ_ATTEMPTS; attempt++) {
            Optional<ClusterRow> row =
                DesiredStateTables.readCluster(c, clusterFqn).filter(ClusterRow::present);
            if (row.isEmpty()
                || fromVersion > row.get().version()
                || fromVersion < row.get().historyFrom()) {
              return Optional.<DesiredDelta>empty();
            }
            ClusterRow r = row.get();
            var b =
                DesiredDelta.newBuilder()
                    .setFromVersion(fromVersion)
                    .setVersion(r.version())
                    .setSetHash(r.setHash());
            if (fromVersion < r.version()) {
              var last = new TreeMap<ObjectKey, String>();
              for (Change ch : DesiredObjectTables.readChanges(c, clusterFqn, fromVersion)) {
                last.put(ch.key(), ch.op());
              }
              for (var e : last.entrySet()) {
                Optional<StoredObject> o =
                    e.getValue().equals(DesiredObjectTables.UPSERT)
                        ? DesiredObjectTables.readObject(c, clusterFqn, e.getKey())
                        : Optional.empty();
                if (o.isPresent()) {
                  b.addUpserts(o.get().toProto());
                } else {
                  b.addDeletes(e.getKey().toProto());
                }
              }
            }
            if (DesiredStateTables.readCluster(c, clusterFqn).equals(row)) {
              return Optional.of(b.build());
            }
          }
          throw new SQLException("desired state of " + clusterFqn + " kept changing while read");
        });
  }

  /**
   * Which versions of {@code fqnOrPrefix} and of every resource below it each cluster's desired
   * state carries, with the cluster version they arrived in; by cluster, FQN, version. An empty
   * argument lists everything.
   */
  public CompletionStage<List<ResourcePlacement>> placements(String fqnOrPrefix) {
    String fqn =
        fqnOrPrefix.endsWith("/")
            ? fqnOrPrefix.substring(0, fqnOrPrefix.length() - 1)
            : fqnOrPrefix;
    return async(c -> DesiredObjectTables.readPlacements(c, fqn));
  }
}
