package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.protocol.v1.ServiceTraffic;
import dev.trestle.protocol.v1.TopologyEdge;
import dev.trestle.protocol.v1.TopologyNode;
import dev.trestle.protocol.v1.TopologyResponse;
import dev.trestle.protocol.v1.TrafficPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The telemetry verbs' scope options and output forms. */
class TelemetryCommandsTest {
  @Test
  void scopeOptionsBecomeFqns() {
    var scope = new TelemetryScope();
    assertThat(scope.fqn()).isEmpty();
    scope.scope = new TelemetryScope.Scope();
    scope.scope.tenant = "acme/payments";
    assertThat(scope.fqn()).isEqualTo("organizations/acme/tenants/payments");
    scope.scope.tenant = null;
    scope.scope.workspace = "acme/payments/checkout";
    assertThat(scope.fqn()).isEqualTo("organizations/acme/tenants/payments/workspaces/checkout");
    scope.scope.workspace = "acme//checkout";
    assertThatThrownBy(scope::fqn)
        .isInstanceOf(CliException.class)
        .hasMessageContaining(
            "--workspace 'acme//checkout' must have the form ORG/TENANT/WORKSPACE");
  }

  @Test
  void dotMarksCrossClusterCallsDashedAndQuotesIds() {
    var t =
        TopologyResponse.newBuilder()
            .addNodes(TopologyNode.newBuilder().setId("web.shop@a").setKind("SERVICE"))
            .addNodes(TopologyNode.newBuilder().setId("cart.shop@b").setKind("SERVICE"))
            .addNodes(TopologyNode.newBuilder().setId("external:x\"y").setKind("EXTERNAL"))
            .addEdges(
                TopologyEdge.newBuilder()
                    .setSource("web.shop@a")
                    .setDestination("cart.shop@b")
                    .setRequestsPerSecond(2)
                    .setErrorRatio(0.25)
                    .setP99Ms(120)
                    .setCrossCluster(true))
            .addEdges(
                TopologyEdge.newBuilder().setSource("web.shop@a").setDestination("external:x\"y"))
            .build();
    String dot = TopologyCommand.dot(t);
    assertThat(dot)
        .contains(
            "\"web.shop@a\" -> \"cart.shop@b\" [label=\"2.00 rps / 25.0% / p99 120 ms\","
                + " style=dashed];")
        .contains("\"external:x\\\"y\" [shape=ellipse];")
        .contains("\"web.shop@a\" -> \"external:x\\\"y\" [label=\"0.00 rps / 0.0% / p99 0 ms\"];");
  }

  @Test
  void theServicesTableShowsRateErrorsAndPercentiles() {
    var s =
        ServiceTraffic.newBuilder()
            .setService("cart")
            .setNamespace("checkout")
            .setCluster("eu-west-1a")
            .setTotal(
                TrafficPoint.newBuilder()
                    .setRequestsPerSecond(12.345)
                    .setErrorRatio(0.005)
                    .setP50Ms(8.21)
                    .setP90Ms(41)
                    .setP99Ms(230.54))
            .build();
    String[] lines = TrafficTable.services(List.of(s)).render().split("\n");
    assertThat(lines[0]).startsWith("SERVICE").contains("RPS", "ERRORS", "P99");
    assertThat(lines[1].split("\\s+"))
        .containsExactly(
            "cart", "checkout", "eu-west-1a", "12.35", "0.50%", "8.2", "41.0", "230.5");
  }
}
