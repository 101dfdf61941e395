package dev.trestle.desiredstate;

import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.DesiredObject;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.ObjectKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What a proposed change would do to the clusters: the would-be configuration (the projection's
 * copy of the organization's resources with the proposed versions in place, or without the
 * resources a delete would remove; a deleted cluster would lose all it has) is translated by the
 * same {@link ClusterTranslation} the projection uses, for the clusters the change can reach
 * ({@link AffectedClusters}; for a Cluster resource, every cluster of its organization, since the
 * catalog feeds the others' routes), and diffed against each cluster's current desired objects.
 * Nothing is stored. The baseline is the projection's state, which trails the configuration by the
 * projection lag.
 */
public final class ImpactPreview {
  /** What would happen to one object. */
  public enum Change {
    CREATED,
    CHANGED,
    DELETED
  }

  /**
   * @param beforeJson canonical JSON of the current object; empty when created
   * @param afterJson canonical JSON of the would-be object; empty when deleted
   */
  public record ObjectImpact(
      ObjectKey key, Change change, String beforeJson, String afterJson, String sourceFqn) {}

  /**
   * @param diagnostics the would-be translation's diagnostics about the proposed resources
   */
  public record ClusterImpact(
      String cluster, long currentVersion, List<ObjectImpact> objects, List<String> diagnostics) {
    public ClusterImpact {
      objects = List.copyOf(objects);
      diagnostics = List.copyOf(diagnostics);
    }
  }

  /**
   * @param clusters those with an object difference or a diagnostic, by FQN
   * @param examined how many clusters were translated
   */
  public record Result(List<ClusterImpact> clusters, int examined) {
    public Result {
      clusters = List.copyOf(clusters);
    }
  }

  private final DataSource dataSource;
  private final Executor blocking;
  private final DesiredStateSettings settings;

  public ImpactPreview(DataSource dataSource, Executor blocking, DesiredStateSettings settings) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.settings = settings;
  }

  /**
   * The impact of storing {@code proposed} (resource versions as they would be stored, in apply
   * order), computed on the blocking executor.
   */
  public CompletionStage<Result> of(List<ProposedVersion> proposed) {
    List<Resource> resources =
        proposed.stream().map(p -> DesiredStateHandler.resourceOf(p.after(), p.version())).toList();
    return onBlocking(c -> compute(c, resources, settings));
  }

  /** A resource as an apply would store it: its snapshot and the version it would get. */
  public record ProposedVersion(ResourceSnapshot after, long version) {}

  /**
   * The impact of deleting {@code fqns} (a resource and its subtree, as a delete would remove
   * them), computed on the blocking executor: a deleted cluster loses every object it has, the
   * others are translated without the deleted resources.
   */
  public CompletionStage<Result> ofDeletes(List<String> fqns) {
    return onBlocking(c -> computeDeletes(c, fqns, settings));
  }

  static Result compute(Connection c, List<Resource> proposed, DesiredStateSettings settings)
      throws SQLException {
    return computeAll(
        c,
        proposed.stream().map(r -> new Proposal(r.getMetadata().getFqn(), r)).toList(),
        settings);
  }

  static Result computeDeletes(Connection c, List<String> fqns, DesiredStateSettings settings)
      throws SQLException {
    return computeAll(c, fqns.stream().map(f -> new Proposal(f, null)).toList(), settings);
  }

  /** One proposed change: the resource version to store, or null to delete {@code fqn}. */
  private record Proposal(String fqn, Resource after) {}

  private static Result computeAll(
      Connection c, List<Proposal> proposed, DesiredStateSettings settings) throws SQLException {
    var byOrg = new LinkedHashMap<String, List<Proposal>>();
    for (Proposal p : proposed) {
      byOrg.computeIfAbsent(OrgInputs.orgOf(p.fqn()), k -> new ArrayList<>()).add(p);
    }
    var clusters = new ArrayList<ClusterImpact>();
    int examined = 0;
    for (var entry : byOrg.entrySet()) {
      OrgInputs inputs = OrgInputs.load(c, entry.getKey());
      var affected = new TreeSet<String>();
      for (Proposal p : entry.getValue()) {
        affected.addAll(p.after() == null ? inputs.remove(p.fqn()) : inputs.put(p.after()));
      }
      Set<String> sources =
          entry.getValue().stream().map(Proposal::fqn).collect(Collectors.toSet());
      for (String cluster : affected) {
        Optional<DesiredObjects> desired =
            inputs.removed(cluster)
                ? Optional.of(
                    new DesiredObjects(
                        cluster, List.of(), DesiredStateHandler.EMPTY_SET_HASH, List.of()))
                : inputs.translate(cluster, settings);
        if (desired.isEmpty()) {
          continue;
        }
        examined++;
        List<ObjectImpact> objects =
            diff(DesiredObjectTables.loadObjects(c, cluster), desired.get());
        List<String> diagnostics =
            desired.get().diagnostics().stream()
                .filter(d -> sources.contains(d.source()))
                .map(Object::toString)
                .toList();
        if (!objects.isEmpty() || !diagnostics.isEmpty()) {
          long version = inputs.version(cluster);
          clusters.add(new ClusterImpact(cluster, version, objects, diagnostics));
        }
      }
    }
    return new Result(clusters, examined);
  }

  /**
   * The translator's diagnostics for the cluster's current inputs ("FQN: message"; the projection
   * does not store them), computed on the blocking executor; empty for an unknown cluster.
   */
  public CompletionStage<List<String>> diagnostics(String clusterFqn) {
    return onBlocking(
        c ->
            OrgInputs.load(c, OrgInputs.orgOf(clusterFqn))
                .translate(clusterFqn, settings)
                .map(d -> d.diagnostics().stream().map(Object::toString).toList())
                .orElse(List.<String>of()));
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a connection of the read-model database, on the blocking executor. */
  private <T> CompletionStage<T> onBlocking(SqlWork<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return work.run(c);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        blocking);
  }

  /** Objects created, changed and deleted going from {@code current} to {@code wouldBe}, by key. */
  static List<ObjectImpact> diff(
      SortedMap<ObjectKey, StoredObject> current, DesiredObjects wouldBe) {
    var out = new TreeMap<ObjectKey, ObjectImpact>();
    for (DesiredObject o : wouldBe.objects()) {
      StoredObject old = current.get(o.key());
      if (old == null) {
        out.put(o.key(), new ObjectImpact(o.key(), Change.CREATED, "", o.json(), o.sourceFqn()));
      } else if (!old.contentHash().equals(o.contentHash())) {
        out.put(
            o.key(),
            new ObjectImpact(o.key(), Change.CHANGED, old.json(), o.json(), o.sourceFqn()));
      }
    }
    Map<ObjectKey, DesiredObject> now = wouldBe.byKey();
    current.forEach(
        (key, old) -> {
          if (!now.containsKey(key)) {
            out.put(key, new ObjectImpact(key, Change.DELETED, old.json(), "", old.sourceFqn()));
          }
        });
    return new ArrayList<>(out.values());
  }
}
