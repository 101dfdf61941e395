package dev.trestle.desiredstate;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.CatalogService;
import dev.trestle.protocol.v1.ClusterHealth;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryService;
import dev.trestle.protocol.v1.Locality;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ServiceInstance;
import dev.trestle.translator.MeshCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The service catalog as the API shows it, built from the desired-state cluster rows (health and
 * inventory as projected) and the Cluster resources (network and locality fallback). Only present
 * clusters, only those the caller may read (the FQNs given).
 */
final class ServiceCatalogQuery {
  private ServiceCatalogQuery() {}

  static List<CatalogService> read(Connection c, Collection<String> clusterFqns, String namespace)
      throws SQLException {
    var services = new TreeMap<String, CatalogService.Builder>();
    var allowed = new java.util.HashSet<>(clusterFqns);
    var rows = new TreeMap<>(DesiredStateTables.loadClusters(c));
    for (ClusterRow row : rows.values()) {
      if (!row.present() || !allowed.contains(row.fqn())) {
        continue;
      }
      Optional<Resource> resource = DesiredStateTables.readResource(c, row.fqn());
      MeshCatalog.Cluster mesh = MeshClusters.of(row, resource);
      Inventory inv = MeshClusters.inventory(row.inventoryJson());
      String org = Fqn.parse(row.fqn()).nameOf(Kind.ORGANIZATION).orElse("");
      for (InventoryService s : inv.getServicesList()) {
        if (s.getName().isEmpty()
            || (!namespace.isEmpty() && !namespace.equals(s.getNamespace()))) {
          continue;
        }
        MeshCatalog.Service service =
            mesh.services().stream()
                .filter(x -> x.namespace().equals(s.getNamespace()) && x.name().equals(s.getName()))
                .findFirst()
                .orElseThrow();
        var instance =
            ServiceInstance.newBuilder()
                .setCluster(row.fqn())
                .setClusterName(mesh.name())
                .setHealth(health(row.health()))
                .setEndpoints(s.getEndpoints())
                .setHealthyEndpoints(s.getHealthyEndpoints())
                .addAllPorts(s.getPortsList())
                .setNetwork(mesh.network())
                .setLocality(Locality.newBuilder().setRegion(mesh.region()).setZone(mesh.zone()))
                .setRoutable(mesh.routable(service))
                .setFailing(service.failing());
        if (mesh.eastWest() != null) {
          instance
              .setGatewayAddress(mesh.eastWest().address())
              .setGatewayPort(mesh.eastWest().port());
        }
        String key = org + "\u0000" + s.getNamespace() + "\u0000" + s.getName();
        services
            .computeIfAbsent(
                key,
                k ->
                    CatalogService.newBuilder()
                        .setOrganization(org)
                        .setNamespace(s.getNamespace())
                        .setName(s.getName())
                        .setHostname(s.getName() + "." + s.getNamespace() + ".svc.cluster.local"))
            .addClusters(instance);
      }
    }
    return services.values().stream().map(CatalogService.Builder::build).toList();
  }

  static ClusterHealth health(String health) {
    return switch (health) {
      case "HEALTHY" -> ClusterHealth.CLUSTER_HEALTHY;
      case "UNHEALTHY" -> ClusterHealth.CLUSTER_UNHEALTHY;
      default -> ClusterHealth.CLUSTER_UNKNOWN;
    };
  }
}
