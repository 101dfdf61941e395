package dev.trestle.desiredstate;

import dev.trestle.clusters.ClusterEvent;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.ClusterSpec;
import dev.trestle.protocol.v1.GroupSpec;
import dev.trestle.protocol.v1.GroupType;
import dev.trestle.protocol.v1.OrganizationSpec;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.protocol.v1.RolloutStage;
import dev.trestle.protocol.v1.ServiceRouteSpec;
import dev.trestle.protocol.v1.Subset;
import dev.trestle.protocol.v1.TenantSpec;
import dev.trestle.protocol.v1.WorkspaceSpec;
import dev.trestle.rollouts.RolloutEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/** Example-style configuration and journal-like envelopes for the desired-state tests. */
final class DesiredFixtures {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private DesiredFixtures() {}

  static String org(String o) {
    return "organizations/" + o;
  }

  static String ws(String o) {
    return org(o) + "/tenants/t/workspaces/w";
  }

  static String group(String o) {
    return ws(o) + "/groups/g";
  }

  static String route(String o, String name) {
    return group(o) + "/serviceroutes/" + name;
  }

  static String cluster(String o, String name) {
    return org(o) + "/clusters/" + name;
  }

  private static ResourceMetadata.Builder meta(String o, String name) {
    return ResourceMetadata.newBuilder().setName(name).setOrganization(o);
  }

  private static Resource.Builder resource(Kind kind, ResourceMetadata.Builder meta) {
    return Resource.newBuilder()
        .setApiVersion(Kind.API_VERSION)
        .setKind(kind.kindName())
        .setMetadata(meta);
  }

  static ResourceSnapshot organization(String o) {
    return ResourceMapper.snapshotOf(
        resource(Kind.ORGANIZATION, ResourceMetadata.newBuilder().setName(o))
            .setOrganization(OrganizationSpec.newBuilder().setDisplayName(o))
            .build());
  }

  static ResourceSnapshot tenant(String o) {
    return ResourceMapper.snapshotOf(
        resource(Kind.TENANT, meta(o, "t"))
            .setTenant(TenantSpec.newBuilder().setDisplayName("T"))
            .build());
  }

  static ResourceSnapshot workspace(String o, String... selectors) {
    return ResourceMapper.snapshotOf(
        resource(Kind.WORKSPACE, meta(o, "w").setTenant("t"))
            .setWorkspace(WorkspaceSpec.newBuilder().addAllNamespaceSelectors(List.of(selectors)))
            .build());
  }

  static ResourceSnapshot trafficGroup(String o, String description) {
    return ResourceMapper.snapshotOf(
        resource(
                Kind.GROUP,
                meta(o, "g").setTenant("t").setWorkspace("w").setDescription(description))
            .setGroup(GroupSpec.newBuilder().setType(GroupType.TRAFFIC))
            .build());
  }

  /**
   * A ServiceRoute for {@code service} (ns/name) with subsets v1/v2 weighted {@code v1Weight}/rest.
   */
  static ResourceSnapshot serviceRoute(String o, String name, String service, int v1Weight) {
    return ResourceMapper.snapshotOf(
        resource(Kind.SERVICE_ROUTE, meta(o, name).setTenant("t").setWorkspace("w").setGroup("g"))
            .setServiceRoute(
                ServiceRouteSpec.newBuilder()
                    .setService(service)
                    .addSubsets(
                        Subset.newBuilder()
                            .setName("v1")
                            .putLabels("version", "v1")
                            .setWeight(v1Weight))
                    .addSubsets(
                        Subset.newBuilder()
                            .setName("v2")
                            .putLabels("version", "v2")
                            .setWeight(100 - v1Weight)))
            .build());
  }

  static ResourceSnapshot revisionRollout(String o, String name) {
    return ResourceMapper.snapshotOf(
        resource(Kind.REVISION_ROLLOUT, meta(o, name))
            .setRevisionRollout(
                RevisionRolloutSpec.newBuilder()
                    .addClusters("*")
                    .setFromRevision("stable")
                    .setToRevision("canary")
                    .addStages(RolloutStage.newBuilder().setName("all").addNamespaces("*")))
            .build());
  }

  static ResourceSnapshot clusterResource(String o, String name, String displayName) {
    return ResourceMapper.snapshotOf(
        resource(Kind.CLUSTER, meta(o, name))
            .setCluster(ClusterSpec.newBuilder().setDisplayName(displayName).setNetwork("n1"))
            .build());
  }

  /**
   * Builds envelopes the way the JDBC journal delivers them: one global offset, seqNr per entity.
   */
  static final class Journal {
    private final Map<String, Long> seqNrs = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, ResourceSnapshot> current = new HashMap<>();
    private final List<EventEnvelope<Object>> all = new ArrayList<>();
    private long offset;

    private EventEnvelope<Object> envelope(String pid, Object event) {
      long seq = seqNrs.merge(pid, 1L, Long::sum);
      offset++;
      var env =
          EventEnvelope.create(
              Offset.sequence(offset), pid, seq, event, T0.toEpochMilli() + offset);
      all.add(env);
      return env;
    }

    /** Creates or updates a resource, as ResourceEntity would journal it. */
    EventEnvelope<Object> apply(ResourceSnapshot s) {
      long version = versions.merge(s.fqn(), 1L, Long::sum);
      ResourceSnapshot before = current.put(s.fqn(), s);
      Object event =
          before == null
              ? new ResourceEntity.ResourceCreated(s.fqn(), version, s, "alice", "r" + offset, T0)
              : new ResourceEntity.ResourceUpdated(
                  s.fqn(), version, before, s, "alice", "r" + offset, T0);
      return envelope("config-resource|" + s.fqn(), event);
    }

    EventEnvelope<Object> delete(String fqn) {
      long version = versions.merge(fqn, 1L, Long::sum);
      ResourceSnapshot before = current.remove(fqn);
      return envelope(
          "config-resource|" + fqn,
          new ResourceEntity.ResourceDeleted(fqn, version, before, "alice", "r", T0));
    }

    EventEnvelope<Object> childRegistered(String fqn, String child) {
      return envelope("config-resource|" + fqn, new ResourceEntity.ChildRegistered(fqn, child, T0));
    }

    EventEnvelope<Object> inventory(String clusterFqn, String... namespaces) {
      return envelope(
          "cluster|" + clusterFqn,
          new ClusterEvent.InventoryChanged(
              clusterFqn,
              new InventorySnapshot(List.of(namespaces), "{\"extra\":" + offset + "}"),
              T0));
    }

    EventEnvelope<Object> inventory(
        String clusterFqn, dev.trestle.protocol.v1.Inventory inventory) {
      return envelope(
          "cluster|" + clusterFqn,
          new ClusterEvent.InventoryChanged(clusterFqn, InventorySnapshot.of(inventory), T0));
    }

    EventEnvelope<Object> health(
        String clusterFqn,
        dev.trestle.clusters.ClusterHealthState from,
        dev.trestle.clusters.ClusterHealthState to) {
      return envelope(
          "cluster|" + clusterFqn,
          new ClusterEvent.HealthChanged(clusterFqn, from, to, "test", T0));
    }

    /** A revision rollout's event, as RevisionRolloutEntity would journal it. */
    EventEnvelope<Object> rollout(RolloutEvent event) {
      return envelope("revision-rollout|" + event.rollout(), event);
    }

    /** Envelopes recorded since the previous call. */
    private int taken;

    List<EventEnvelope<Object>> take() {
      var out = List.copyOf(all.subList(taken, all.size()));
      taken = all.size();
      return out;
    }
  }
}
