package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsColumnsWithoutTrailingBlanks() {
    String text =
        new Table(List.of("NAME", "VERSION", "LABELS"))
            .row(List.of("a", "1", "x=y"))
            .row(List.of("longer-name", "12", ""))
            .render();
    assertThat(text)
        .isEqualTo(
            "NAME          VERSION   LABELS\n"
                + "a             1         x=y\n"
                + "longer-name   12        -\n");
  }

  @Test
  void detailLinesFollowTheirRowWithoutWideningColumns() {
    String text =
        new Table(List.of("V", "OP"))
            .row(List.of("2", "update"), List.of("    spec.a: 1 -> 2  ", "    spec.b: (none) -> 3"))
            .row(List.of("1", "create"))
            .render();
    assertThat(text)
        .isEqualTo(
            "V   OP\n"
                + "2   update\n"
                + "    spec.a: 1 -> 2\n"
                + "    spec.b: (none) -> 3\n"
                + "1   create\n");
  }

  @Test
  void auditTimesAreUtcSecondsAndUnsetTimesADash() {
    assertThat(
            AuditTables.time(
                Timestamp.newBuilder().setSeconds(1_900_000_000L).setNanos(999_999_999).build()))
        .isEqualTo("2030-03-17T17:46:40Z");
    assertThat(AuditTables.time(Timestamp.getDefaultInstance())).isEmpty();
    assertThat(AuditTables.time(null)).isEmpty();
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    assertThatThrownBy(() -> new Table(List.of("A", "B")).row(List.of("1")))
        .hasMessageContaining("1 cells, the table 2 columns");
  }

  @Test
  void agesAreCompact() {
    assertThat(Ages.format(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(Ages.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Ages.format(Duration.ofHours(3))).isEqualTo("3h");
    assertThat(Ages.format(Duration.ofDays(12))).isEqualTo("12d");
    assertThat(Ages.format(Duration.ofSeconds(-5))).isEqualTo("0s");
    assertThat(Ages.since(Timestamp.getDefaultInstance(), Instant.EPOCH)).isEqualTo("-");
  }

  private static Resource resource(
      String kind, String fqn, long version, Instant updated, String... labels) {
    var meta =
        ResourceMetadata.newBuilder()
            .setName(fqn.substring(fqn.lastIndexOf('/') + 1))
            .setFqn(fqn)
            .setVersion(version)
            .setUpdateTime(Timestamp.newBuilder().setSeconds(updated.getEpochSecond()));
    for (int i = 0; i < labels.length; i += 2) {
      meta.putLabels(labels[i], labels[i + 1]);
    }
    return Resource.newBuilder().setKind(kind).setMetadata(meta).build();
  }

  @Test
  void resourceTableShowsParentVersionAgeAndSortedLabels() {
    Instant now = Instant.parse("2030-01-01T12:00:00Z");
    String text =
        ResourceTable.render(
            List.of(
                resource(
                    "Tenant",
                    "organizations/acme/tenants/payments",
                    3,
                    now.minusSeconds(300),
                    "team",
                    "pay",
                    "env",
                    "prod"),
                resource(
                    "Tenant", "organizations/acme/tenants/hr", 1, now.minusSeconds(7200 * 24))),
            now);
    assertThat(text)
        .isEqualTo(
            "NAME       PARENT               VERSION   UPDATED   LABELS\n"
                + "payments   organizations/acme   3         5m        env=prod,team=pay\n"
                + "hr         organizations/acme   1         2d        <none>\n");
  }

  @Test
  void resourceTableLeavesOutParentForOrganizations() {
    Instant now = Instant.parse("2030-01-01T12:00:00Z");
    assertThat(
            ResourceTable.render(
                List.of(resource("Organization", "organizations/acme", 1, now)), now))
        .isEqualTo("NAME   VERSION   UPDATED   LABELS\nacme   1         0s        <none>\n");
  }
}
