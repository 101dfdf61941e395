package dev.trestle.desiredstate;

import dev.trestle.clusters.ClusterEvent;
import dev.trestle.desiredstate.AffectedClusters.Change;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.rollouts.RolloutEvent;
import dev.trestle.storage.PlainJdbcSession;
import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.MeshCatalog;
import dev.trestle.translator.NamespaceRevisions;
import dev.trestle.translator.SetHash;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every cluster's desired state in step with the configuration and the clusters' inventories,
 * in the projection's transaction (exactly once). For each event: update the config copy or the
 * cluster row, find the clusters the change can affect ({@link AffectedClusters}), translate those
 * again, and for each whose objects differ, bump its version by one and store objects, change rows,
 * placements and set hash ({@link DesiredVersionWrite}). Changed versions are staged on the {@link
 * DesiredStateNotifier}, which publishes them after the commit.
 */
public final class DesiredStateHandler
    extends JdbcHandler<List<EventEnvelope<Object>>, PlainJdbcSession> {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateHandler.class);

  /** The set hash of an empty desired state (SHA-256 of nothing). */
  public static final String EMPTY_SET_HASH = SetHash.EMPTY;

  private final DesiredStateSettings settings;
  private final DesiredStateNotifier notifier;
  private ProjectionState state;
  // Clusters whose rows the current batch deleted (their handed-over deltas must go).
  private final List<String> deletedInBatch = new ArrayList<>();

  public DesiredStateHandler(DesiredStateSettings settings, DesiredStateNotifier notifier) {
    this.settings = settings;
    this.notifier = notifier;
  }

  @Override
  public void start() {
    state = null;
  }

  /**
   * Projects a batch of events in the projection's transaction: each event updates the config copy
   * or a cluster row in order, and every cluster any of them affected is translated once, at the
   * end, from the resulting state.
   */
  @Override
  public void process(PlainJdbcSession session, List<EventEnvelope<Object>> envelopes)
      throws Exception {
    List<Object> events =
        envelopes.stream()
            .map(EventEnvelope::event)
            .filter(DesiredStateHandler::projected)
            .toList();
    EventEnvelope<Object> last = envelopes.get(envelopes.size() - 1);
    if (events.isEmpty()) {
      notifier.stage(last, new DesiredStateNotifier.Batch(List.of(), List.of()));
      return;
    }
    DesiredStateNotifier.Batch changed =
        session.withConnection(
            c -> {
              try {
                return apply(c, events);
              } catch (Exception | Error e) {
                state = null; // half-applied: rebuild from the (rolled back) tables next time
                throw e;
              }
            });
    notifier.stage(last, changed);
  }

  private static boolean projected(Object event) {
    return event instanceof ResourceEntity.ResourceCreated
        || event instanceof ResourceEntity.ResourceUpdated
        || event instanceof ResourceEntity.ResourceDeleted
        || event instanceof ClusterEvent.InventoryChanged
        || event instanceof ClusterEvent.HealthChanged
        || event instanceof ClusterEvent.ServiceFailingChanged
        || event instanceof RolloutEvent.StageStarted
        || event instanceof RolloutEvent.StageFailed;
  }

  private DesiredStateNotifier.Batch apply(Connection c, List<Object> events) throws SQLException {
    long stamp = DesiredStateTables.readStamp(c);
    if (state == null || state.stamp != stamp) {
      state = ProjectionState.load(c, stamp);
    }
    deletedInBatch.clear();
    SortedSet<String> affected = new TreeSet<>();
    for (Object event : events) {
      affected.addAll(affectedBy(c, event));
    }
    var changed = new ArrayList<DesiredStateNotifier.Committed>();
    // Translating only bumps versions: no cluster's catalog entry changes inside this loop, so
    // each organization's publishing clusters are gathered once for all its translations, and
    // clusters whose inputs differ only in name share one translation.
    var publishers = new HashMap<String, List<MeshCatalog.Cluster>>();
    var translations = new SharedTranslations();
    var rows = new VersionRows();
    for (String cluster : affected) {
      retranslate(c, cluster, publishers, translations, rows).ifPresent(changed::add);
    }
    rows.flush(c);
    DesiredStateTables.writeStamp(c, stamp + 1);
    state.stamp = stamp + 1;
    return new DesiredStateNotifier.Batch(deletedInBatch, changed);
  }

  private SortedSet<String> affectedBy(Connection c, Object event) throws SQLException {
    if (event instanceof ResourceEntity.ResourceCreated e) {
      return put(c, e.after(), e.version(), Change.CREATED);
    } else if (event instanceof ResourceEntity.ResourceUpdated e) {
      return put(c, e.after(), e.version(), Change.UPDATED);
    } else if (event instanceof ResourceEntity.ResourceDeleted e) {
      return delete(c, e.before());
    } else if (event instanceof ClusterEvent.InventoryChanged e) {
      return inventory(c, e);
    } else if (event instanceof ClusterEvent.HealthChanged e) {
      return health(c, e);
    } else if (event instanceof ClusterEvent.ServiceFailingChanged e) {
      return failing(c, e);
    } else if (event instanceof RolloutEvent.StageStarted e) {
      return revisionLabels(c, e.rollout(), e.version(), e.labels());
    } else if (event instanceof RolloutEvent.StageFailed e) {
      return revisionLabels(c, e.rollout(), e.version(), e.labels());
    }
    return new TreeSet<>();
  }

  /** The stored form of a resource version: what the translator needs, no timestamps. */
  static Resource resourceOf(ResourceSnapshot snapshot, long version) {
    return ResourceMapper.toResource(
        new ResourceEntity.View(snapshot, version, null, "", null, "", List.of()));
  }

  private static String orgOf(Fqn fqn) {
    return fqn.nameOf(Kind.ORGANIZATION).orElse("");
  }

  private SortedSet<String> put(Connection c, ResourceSnapshot after, long version, Change change)
      throws SQLException {
    Fqn fqn = Fqn.parse(after.fqn());
    String org = orgOf(fqn);
    Resource resource = resourceOf(after, version);
    ConfigSnapshot before = state.config(org);
    ConfigSnapshot now = before.with(resource);
    MeshCatalog.Cluster meshBefore = null;
    if (fqn.kind().orElseThrow() == Kind.CLUSTER && state.clusters.containsKey(fqn.toString())) {
      meshBefore = mesh(state.clusters.get(fqn.toString()));
    }
    DesiredStateTables.putResource(c, org, resource);
    state.setConfig(org, now);
    if (fqn.kind().orElseThrow() == Kind.CLUSTER) {
      state.forgetMesh(fqn.toString());
      ClusterRow row = state.clusters.get(fqn.toString());
      ClusterRow present =
          row == null
              ? new ClusterRow(fqn.toString(), org, true, 0, EMPTY_SET_HASH, 0, List.of())
              : row.present()
                  ? row
                  : row.withPresent(true).withVersion(row.version(), EMPTY_SET_HASH, row.version());
      saveCluster(c, present);
      // The spec's network and locality stand in for the inventory's: others' routes may change.
      SortedSet<String> out =
          AffectedClusters.of(fqn, change, before, now, state.presentClusters(org));
      out.addAll(
          usersOf(org, fqn.toString(), MeshCatalog.changedServices(meshBefore, mesh(present))));
      return out;
    }
    return AffectedClusters.of(fqn, change, before, now, state.presentClusters(org));
  }

  private SortedSet<String> delete(Connection c, ResourceSnapshot last) throws SQLException {
    Fqn fqn = Fqn.parse(last.fqn());
    String org = orgOf(fqn);
    ConfigSnapshot before = state.config(org);
    ConfigSnapshot now = before.without(fqn);
    ClusterRow row =
        fqn.kind().orElseThrow() == Kind.CLUSTER ? state.clusters.get(fqn.toString()) : null;
    // Who received the deleted cluster's services: from its catalog entry, before it goes.
    List<String> itsServices =
        row != null && row.present() ? MeshCatalog.changedServices(mesh(row), null) : List.of();
    SortedSet<String> usersOfItsServices =
        row == null ? new TreeSet<>() : usersOf(org, row.fqn(), itsServices);
    DesiredStateTables.deleteResource(c, fqn.toString());
    state.setConfig(org, now);
    state.forgetMesh(fqn.toString());
    if (row != null) {
      // Objects, changes and placements go; the row keeps the version (one past the last
      // state, which was "everything deleted") so that a re-created cluster never reuses one.
      DesiredObjectTables.dropClusterRows(c, row.fqn());
      deletedInBatch.add(row.fqn());
      state.dropObjects(row.fqn());
      long tombstone = row.version() == 0 ? 0 : row.version() + 1;
      saveCluster(c, row.withPresent(false).withVersion(tombstone, EMPTY_SET_HASH, tombstone));
    }
    SortedSet<String> out =
        AffectedClusters.of(fqn, Change.DELETED, before, now, state.presentClusters(org));
    out.addAll(usersOfItsServices);
    RevisionLabelRows.Row labels = state.revisionLabels.remove(fqn.toString());
    if (labels != null) {
      // A deleted rollout asks for no label any more (the edges leave the namespaces as they are).
      RevisionLabelRows.delete(c, fqn.toString());
      out.addAll(labelledClusters(org, labels, null));
    }
    return out;
  }

  private SortedSet<String> inventory(Connection c, ClusterEvent.InventoryChanged e)
      throws SQLException {
    Fqn fqn = Fqn.parse(e.cluster());
    ClusterRow row = state.clusters.get(fqn.toString());
    List<String> namespaces = e.inventory().namespaces();
    String json = e.inventory().inventoryJson();
    ClusterRow next =
        row == null
            ? new ClusterRow(
                fqn.toString(),
                orgOf(fqn),
                false,
                0,
                EMPTY_SET_HASH,
                0,
                namespaces,
                ClusterRow.UNKNOWN,
                json)
            : row.withInventory(namespaces, json);
    return catalogChange(c, row, next);
  }

  /**
   * A rollout's new label set: stored, and the present clusters it labelled before or labels now
   * are translated again.
   */
  private SortedSet<String> revisionLabels(
      Connection c, String rollout, long version, List<RolloutEvent.NamespaceLabel> labels)
      throws SQLException {
    String org = OrgInputs.orgOf(rollout);
    if (state.config(org).get(rollout).isEmpty()) {
      return new TreeSet<>(); // a step decided just before its rollout was deleted: moot
    }
    RevisionLabelRows.Row before = state.revisionLabels.get(rollout);
    var row = new RevisionLabelRows.Row(rollout, org, version, labels);
    RevisionLabelRows.save(c, row);
    state.revisionLabels.put(rollout, row);
    return labelledClusters(org, before, row);
  }

  /** The present clusters of {@code org} named in either label set. */
  private SortedSet<String> labelledClusters(
      String org, RevisionLabelRows.Row before, RevisionLabelRows.Row after) {
    var names = new TreeSet<String>();
    if (before != null) {
      names.addAll(before.clusters());
    }
    if (after != null) {
      names.addAll(after.clusters());
    }
    var out = new TreeSet<String>();
    var present = state.presentClusters(org);
    names.forEach(
        n -> {
          if (present.containsKey(n)) {
            out.add(present.get(n));
          }
        });
    return out;
  }

  private SortedSet<String> health(Connection c, ClusterEvent.HealthChanged e) throws SQLException {
    Fqn fqn = Fqn.parse(e.cluster());
    ClusterRow row = state.clusters.get(fqn.toString());
    String health = e.to().name();
    ClusterRow next =
        row == null
            ? new ClusterRow(
                fqn.toString(), orgOf(fqn), false, 0, EMPTY_SET_HASH, 0, List.of(), health, "{}")
            : row.withHealth(health);
    return catalogChange(c, row, next);
  }

  /** A service marked failing by its error ratio, or healthy again: its entry changes. */
  private SortedSet<String> failing(Connection c, ClusterEvent.ServiceFailingChanged e)
      throws SQLException {
    Fqn fqn = Fqn.parse(e.cluster());
    ClusterRow row = state.clusters.get(fqn.toString());
    var services = new TreeSet<String>(row == null ? List.of() : row.failingServices());
    if (e.failing()) {
      services.add(e.service());
    } else {
      services.remove(e.service());
    }
    ClusterRow next =
        row == null
            ? new ClusterRow(fqn.toString(), orgOf(fqn), false, 0, EMPTY_SET_HASH, 0, List.of())
                .withFailingServices(List.copyOf(services))
            : row.withFailingServices(List.copyOf(services));
    return catalogChange(c, row, next);
  }

  /**
   * Saves a cluster's new inventory, health or failing services. Affected: the cluster itself when
   * its namespaces changed, and, per service whose published entry changed (docs/multicluster.md),
   * the other present clusters of the organization that have the service's namespace. Nothing else:
   * a change to one service re-publishes only that service, only where it is used.
   */
  private SortedSet<String> catalogChange(Connection c, ClusterRow before, ClusterRow next)
      throws SQLException {
    MeshCatalog.Cluster meshBefore = before != null && before.present() ? mesh(before) : null;
    saveCluster(c, next);
    var out = new TreeSet<String>();
    if (!next.present()) {
      return out;
    }
    // The cluster's own objects depend only on its namespaces and its services' ports (gateway
    // destination ports, the local port names of its ServiceEntries); its health and endpoint
    // counts are what the others see: a health change, or a heartbeat's new endpoint counts,
    // re-translate only the clusters that use its services. Re-translating it anyway cost every
    // cluster a full translation twice after an outage longer than the health deadline.
    MeshCatalog.Cluster meshNext = mesh(next);
    if (meshBefore == null
        || !before.namespaces().equals(next.namespaces())
        || !meshBefore.servicePorts().equals(meshNext.servicePorts())) {
      out.add(next.fqn());
    }
    out.addAll(usersOf(next.org(), next.fqn(), MeshCatalog.changedServices(meshBefore, meshNext)));
    return out;
  }

  /**
   * The present clusters of {@code org} other than {@code self} that have a namespace of one of the
   * services.
   */
  private SortedSet<String> usersOf(String org, String self, List<String> services) {
    var out = new TreeSet<String>();
    if (services.isEmpty() || settings.reachability() == MeshCatalog.Reachability.NONE) {
      return out;
    }
    var namespaces = new TreeSet<String>();
    services.forEach(s -> namespaces.add(s.substring(0, s.indexOf('/'))));
    for (String fqn : state.presentClusters(org).values()) {
      ClusterRow row = state.clusters.get(fqn);
      if (!fqn.equals(self) && row.namespaces().stream().anyMatch(namespaces::contains)) {
        out.add(fqn);
      }
    }
    return out;
  }

  /** The cluster as the catalog sees it (cached until its row or Cluster resource changes). */
  private MeshCatalog.Cluster mesh(ClusterRow row) {
    return state.mesh(
        row.fqn(), () -> MeshClusters.of(row, state.config(row.org()).get(row.fqn())));
  }

  private void saveCluster(Connection c, ClusterRow row) throws SQLException {
    DesiredStateTables.saveCluster(c, row);
    state.putCluster(row);
  }

  /**
   * Translates one present cluster again; the new version and its delta when its objects changed.
   */
  private Optional<DesiredStateNotifier.Committed> retranslate(
      Connection c,
      String cluster,
      Map<String, List<MeshCatalog.Cluster>> publishers,
      SharedTranslations translations,
      VersionRows rows)
      throws SQLException {
    ClusterRow row = state.clusters.get(cluster);
    if (row == null || !row.present()) {
      return Optional.empty();
    }
    ConfigSnapshot config = state.config(row.org());
    Optional<Resource> clusterResource = config.get(cluster);
    if (clusterResource.isEmpty()) {
      return Optional.empty();
    }
    DesiredObjects desired;
    try {
      MeshCatalog.Cluster self = mesh(row);
      ClusterView view = ClusterTranslation.view(clusterResource.get(), row, self);
      List<MeshCatalog.RemoteService> remote =
          ClusterTranslation.remoteServices(
              self,
              view,
              settings.reachability() == MeshCatalog.Reachability.NONE
                  ? List.of()
                  : publishers.computeIfAbsent(row.org(), this::publishingClusters),
              settings.reachability());
      List<NamespaceRevisions.Label> labels =
          RevisionLabelRows.forCluster(state.revisionLabels, cluster);
      desired =
          translations.translate(
              config,
              view,
              remote,
              labels,
              () -> ClusterTranslation.translate(config, view, remote, settings.waf(), labels));
    } catch (RuntimeException e) {
      // The translator reports questionable config as diagnostics; an exception is a bug. Keep the
      // cluster's last state rather than blocking every cluster behind one poisoned event.
      LOG.error(
          "translation for {} failed; its desired state stays at version {}",
          cluster,
          row.version(),
          e);
      return Optional.empty();
    }
    Optional<DesiredVersionWrite.Written> written =
        DesiredVersionWrite.write(
            rows, row, state.objects(c, cluster), desired, settings.deltaHistory());
    if (written.isEmpty()) {
      return Optional.empty();
    }
    state.putCluster(written.get().row());
    state.setObjects(cluster, written.get().objects());
    return Optional.of(written.get().committed());
  }

  /**
   * The present clusters of {@code org} that publish at least one service (only those give routes).
   */
  private List<MeshCatalog.Cluster> publishingClusters(String org) {
    var out = new ArrayList<MeshCatalog.Cluster>();
    for (String fqn : state.presentClusters(org).values()) {
      MeshCatalog.Cluster mesh = mesh(state.clusters.get(fqn));
      if (!mesh.services().isEmpty()) {
        out.add(mesh);
      }
    }
    return out;
  }
}
