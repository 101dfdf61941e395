package dev.trestle.loadtest.scenarios;

import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.protocol.v1.InventoryService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The change cycle of the cross-cluster benchmark: what cluster 1's inventory becomes at each step,
 * which edges docs/multicluster.md says each change reaches, and the totals counted per change.
 */
final class CrossClusterChanges {
  static final String NS = "demo";
  static final String NS2 = "demo2";
  static final int FEW = 3;

  private CrossClusterChanges() {}

  /**
   * One kind of change of cluster 1's inventory; {@code expectedEdges} from docs/multicluster.md.
   */
  record Change(String name, int svcHealthy, int otherHealthy, Reach reach) {}

  /** Which edges docs/multicluster.md says a change reaches. */
  enum Reach {
    ALL_OTHERS,
    NONE,
    FEW_OTHERS
  }

  static final List<Change> CYCLE =
      List.of(
          new Change("demo/svc healthy 2 → 0 in c00001 (endpoint removed)", 0, 2, Reach.ALL_OTHERS),
          new Change("demo/svc healthy 0 → 2 in c00001 (endpoint back)", 2, 2, Reach.ALL_OTHERS),
          new Change("demo/svc healthy 2 → 1 in c00001 (stays above zero)", 1, 2, Reach.NONE),
          new Change("demo/svc healthy 1 → 2 in c00001 (stays above zero)", 2, 2, Reach.NONE),
          new Change(
              "demo2/other healthy 2 → 0 in c00001 (service in " + FEW + " clusters)",
              2,
              0,
              Reach.FEW_OTHERS),
          new Change(
              "demo2/other healthy 0 → 2 in c00001 (service in " + FEW + " clusters)",
              2,
              2,
              Reach.FEW_OTHERS));

  static int expectedEdges(Change c, int n) {
    return switch (c.reach()) {
      case ALL_OTHERS -> n - 1;
      case NONE -> 0;
      case FEW_OTHERS -> Math.min(FEW, n) - 1;
    };
  }

  static Inventory inventory(int clusterIndex, int svcHealthy, int otherHealthy) {
    var inv =
        Inventory.newBuilder()
            .addNamespaces(NS)
            .setNetwork("net-" + clusterIndex)
            .addServices(
                InventoryService.newBuilder()
                    .setNamespace(NS)
                    .setName("svc")
                    .setHostname("svc." + NS + ".svc.cluster.local")
                    .addPorts(
                        InventoryPort.newBuilder()
                            .setName("http")
                            .setPort(8080)
                            .setProtocol("HTTP"))
                    .setEndpoints(2)
                    .setHealthyEndpoints(svcHealthy))
            .addGateways(
                InventoryGateway.newBuilder()
                    .setNamespace("istio-system")
                    .setName("eastwest")
                    .setRole("EAST_WEST")
                    .addAddresses("10.0." + (clusterIndex / 250) + "." + (clusterIndex % 250 + 1))
                    .addPorts(
                        InventoryPort.newBuilder()
                            .setName("tls")
                            .setPort(15443)
                            .setProtocol("TLS")));
    if (clusterIndex <= FEW) {
      inv.addNamespaces(NS2)
          .addServices(
              InventoryService.newBuilder()
                  .setNamespace(NS2)
                  .setName("other")
                  .setHostname("other." + NS2 + ".svc.cluster.local")
                  .addPorts(
                      InventoryPort.newBuilder().setName("grpc").setPort(9090).setProtocol("GRPC"))
                  .setEndpoints(2)
                  .setHealthyEndpoints(otherHealthy));
    }
    return inv.build();
  }

  /** Totals of one change kind over the rounds. */
  static final class Tally {
    long changes;
    long messages;
    long bytes;
    long edgesReached;
    long maxMessageBytes;
    long unexpected;

    Map<String, Object> json(Change c, int n) {
      var m = new LinkedHashMap<String, Object>();
      m.put("change", c.name());
      m.put("changes", changes);
      m.put("expectedEdgesPerChange", expectedEdges(c, n));
      m.put("messagesPerChange", per(messages));
      m.put("bytesPerChange", per(bytes));
      m.put("edgesReachedPerChange", per(edgesReached));
      m.put("bytesPerMessage", messages == 0 ? 0 : Math.round((double) bytes / messages));
      m.put("maxMessageBytes", maxMessageBytes);
      m.put("changesNotAsExpected", unexpected);
      return m;
    }

    double per(long v) {
      return changes == 0 ? 0 : Math.round(v * 10.0 / changes) / 10.0;
    }
  }
}
