package dev.trestle.desiredstate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.ClusterSpec;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.protocol.v1.InventoryService;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.MeshCatalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A projected cluster (its row: health and inventory; its Cluster resource: network and locality
 * when the inventory has none) as the translator's {@link MeshCatalog.Cluster}. The rules are in
 * docs/multicluster.md ("Service catalog").
 */
final class MeshClusters {
  static final String EAST_WEST = "EAST_WEST";
  static final int DEFAULT_GATEWAY_PORT = 15443;

  private MeshClusters() {}

  static Inventory inventory(String json) {
    var builder = Inventory.newBuilder();
    try {
      JsonFormat.parser()
          .ignoringUnknownFields()
          .merge(json == null || json.isEmpty() ? "{}" : json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored inventory is not valid JSON", e);
    }
    return builder.build();
  }

  static MeshCatalog.Cluster of(ClusterRow row, Optional<Resource> clusterResource) {
    Inventory inv = inventory(row.inventoryJson());
    ClusterSpec spec =
        clusterResource
            .filter(Resource::hasCluster)
            .map(Resource::getCluster)
            .orElse(ClusterSpec.getDefaultInstance());
    String network = inv.getNetwork().isEmpty() ? spec.getNetwork() : inv.getNetwork();
    boolean invLocality = inv.hasLocality() && !inv.getLocality().getRegion().isEmpty();
    String region = invLocality ? inv.getLocality().getRegion() : spec.getLocality().getRegion();
    String zone = invLocality ? inv.getLocality().getZone() : spec.getLocality().getZone();
    var services = new ArrayList<MeshCatalog.Service>();
    for (InventoryService s : inv.getServicesList()) {
      if (s.getNamespace().isEmpty() || s.getName().isEmpty()) {
        continue;
      }
      services.add(
          new MeshCatalog.Service(
              s.getNamespace(),
              s.getName(),
              ports(s.getPortsList()),
              s.getEndpoints(),
              s.getHealthyEndpoints(),
              row.failingServices().contains(s.getNamespace() + "/" + s.getName())));
    }
    return new MeshCatalog.Cluster(
        Fqn.parse(row.fqn()).name(),
        network,
        region,
        zone,
        !ClusterRow.UNHEALTHY.equals(row.health()),
        eastWest(inv).orElse(null),
        services);
  }

  static List<MeshCatalog.Port> ports(List<InventoryPort> ports) {
    return ports.stream()
        .map(p -> new MeshCatalog.Port(p.getName(), (int) p.getPort(), p.getProtocol()))
        .sorted(Comparator.comparingInt(MeshCatalog.Port::number))
        .toList();
  }

  /**
   * The first EAST_WEST gateway (by namespace, name) with an address that is not reported down (0
   * ready endpoints), else the first with an address, as not ready: its first address, its port
   * named {@code tls}, else 15443 when it has it, else its first port (15443 when it lists none).
   */
  static Optional<MeshCatalog.Gateway> eastWest(Inventory inv) {
    List<InventoryGateway> candidates =
        inv.getGatewaysList().stream()
            .filter(g -> g.getRole().toUpperCase(Locale.ROOT).replace('-', '_').equals(EAST_WEST))
            .filter(g -> g.getAddressesCount() > 0 && !g.getAddresses(0).isBlank())
            .sorted(
                Comparator.comparing(InventoryGateway::getNamespace)
                    .thenComparing(InventoryGateway::getName))
            .toList();
    return candidates.stream()
        .filter(MeshClusters::ready)
        .findFirst()
        .or(() -> candidates.stream().findFirst())
        .map(g -> new MeshCatalog.Gateway(g.getAddresses(0).strip(), gatewayPort(g), ready(g)));
  }

  /** Unreported readiness (an older edge) counts as ready. */
  private static boolean ready(InventoryGateway g) {
    return !g.hasReadyEndpoints() || g.getReadyEndpoints() > 0;
  }

  private static int gatewayPort(InventoryGateway g) {
    return g.getPortsList().stream()
        .filter(p -> p.getName().equals("tls"))
        .findFirst()
        .or(
            () ->
                g.getPortsList().stream()
                    .filter(p -> p.getPort() == DEFAULT_GATEWAY_PORT)
                    .findFirst())
        .or(() -> g.getPortsList().stream().findFirst())
        .map(p -> (int) p.getPort())
        .orElse(DEFAULT_GATEWAY_PORT);
  }
}
