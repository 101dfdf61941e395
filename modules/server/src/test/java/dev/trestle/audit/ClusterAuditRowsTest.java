package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.clusters.ClusterEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClusterAuditRowsTest {
  @Test
  void aServiceWithoutHealthyEndpointsIsAnAuditRowOfItsCluster() {
    String c = "organizations/acme/clusters/c1";
    AuditRow row =
        ClusterAuditRows.rowOf(
            new ClusterEvent.ServiceHealthChanged(c, "shop/cart", 3, 0, Instant.EPOCH));
    assertThat(row.operation()).isEqualTo("SERVICE_HEALTH");
    assertThat(row.principal()).isEqualTo("edge:" + c);
    assertThat(row.message())
        .isEqualTo("service shop/cart: healthy endpoints 3 -> 0 (no healthy endpoints)");
    AuditRow back =
        ClusterAuditRows.rowOf(
            new ClusterEvent.ServiceHealthChanged(c, "shop/cart", 0, 2, Instant.EPOCH));
    assertThat(back.message()).endsWith("0 -> 2 (healthy again)");
  }

  @Test
  void aServiceMarkedFailingByTelemetryIsAServiceHealthRowSaysWhy() {
    String c = "organizations/acme/clusters/c1";
    AuditRow row =
        ClusterAuditRows.rowOf(
            new ClusterEvent.ServiceFailingChanged(
                c,
                "shop/cart",
                true,
                0.8,
                100,
                "5xx ratio 0.800 over 100 requests",
                Instant.EPOCH));
    assertThat(row.operation()).isEqualTo("SERVICE_HEALTH");
    assertThat(row.principal()).isEqualTo("system:telemetry");
    assertThat(row.fqn()).isEqualTo(c);
    assertThat(row.message())
        .isEqualTo(
            "service shop/cart: failing by error ratio, withdrawn from cross-cluster routing"
                + " (5xx ratio 0.800 over 100 requests)");
  }
}
