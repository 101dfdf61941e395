package dev.trestle.desiredstate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.translator.MeshCatalog;
import org.junit.jupiter.api.Test;

/** Which east-west gateway stands for a cluster, and whether it is up (issue 15 point 11). */
class MeshClustersTest {
  private static InventoryGateway.Builder eastWest(String name, String address) {
    return InventoryGateway.newBuilder()
        .setNamespace("istio-system")
        .setName(name)
        .setRole("EAST_WEST")
        .addAddresses(address);
  }

  @Test
  void aGatewayWithoutReportedReadinessCountsAsReady() {
    var inv = Inventory.newBuilder().addGateways(eastWest("a", "10.0.0.1")).build();
    assertThat(MeshClusters.eastWest(inv)).contains(new MeshCatalog.Gateway("10.0.0.1", 15443));
  }

  @Test
  void aGatewayWithNoReadyEndpointIsNotReadyAndAReadyOneIsPreferred() {
    var down =
        Inventory.newBuilder().addGateways(eastWest("a", "10.0.0.1").setReadyEndpoints(0)).build();
    assertThat(MeshClusters.eastWest(down))
        .contains(new MeshCatalog.Gateway("10.0.0.1", 15443, false));
    var oneUp =
        down.toBuilder().addGateways(eastWest("b", "10.0.0.2").setReadyEndpoints(2)).build();
    assertThat(MeshClusters.eastWest(oneUp))
        .contains(new MeshCatalog.Gateway("10.0.0.2", 15443, true));
  }
}
