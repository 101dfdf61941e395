package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.trestle.clusters.ClusterHealthState;
import dev.trestle.clusters.ClusterOperations.ClusterView;
import dev.trestle.clusters.ClusterState;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.clusters.StandingXdsRejection;
import dev.trestle.protocol.v1.XdsRejection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ClusterInfo carries the xDS NACKs standing at the cluster's edge, and none from old state. */
class ClusterViewsTest {
  private static ClusterState state(List<StandingXdsRejection> rejections) {
    return new ClusterState(
        Map.of(),
        "s1",
        "t1",
        "0.1.0",
        Instant.parse("2026-12-07T16:00:01Z"),
        1,
        ClusterHealthState.HEALTHY,
        InventorySnapshot.empty(),
        3,
        "h",
        0,
        "",
        List.of(),
        "",
        null,
        rejections,
        List.of(),
        Map.of());
  }

  @Test
  void standingXdsRejectionsReachClusterInfoAndItsJson() throws Exception {
    // as the edge reports it, through the entity's record
    var nack =
        StandingXdsRejection.of(
            XdsRejection.newBuilder()
                .setNode("grpc-js-1")
                .setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster")
                .setVersion("3")
                .setError("unsupported lb_policy LEAST_REQUEST")
                .setAt(Timestamps.parse("2026-12-07T16:00:00Z"))
                .build());

    var info =
        ClusterViews.info(
            new ClusterView("organizations/acme/clusters/c1", state(List.of(nack)), 3));

    assertThat(info.getXdsRejectionsList()).hasSize(1);
    assertThat(info.getXdsRejections(0).getError())
        .isEqualTo("unsupported lb_policy LEAST_REQUEST");
    assertThat(info.getXdsRejections(0).getVersion()).isEqualTo("3");
    assertThat(JsonFormat.printer().print(info))
        .contains("\"xdsRejections\"")
        .contains("\"typeUrl\": \"type.googleapis.com/envoy.config.cluster.v3.Cluster\"")
        .contains("\"at\": \"2026-12-07T16:00:00Z\"");
  }

  @Test
  void stateWithoutTheFieldShowsNone() {
    var info = ClusterViews.info(new ClusterView("organizations/acme/clusters/c1", state(null), 3));

    assertThat(info.getXdsRejectionsList()).isEmpty();
  }
}
