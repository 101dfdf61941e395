package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.storage.ReadModelDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The audit handler inside a real exactly-once JDBC projection (ProjectionTestKit, H2). */
class AuditProjectionHandlerTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString("pekko.actor.provider = local")
              .withFallback(ConfigFactory.load()));
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final String FQN = "organizations/o/tenants/t";

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ResourceSnapshot tenant(String name) {
    return new ResourceSnapshot(
        "Tenant", FQN, new TreeMap<>(), "", false, "{\"displayName\":\"" + name + "\"}");
  }

  private static List<EventEnvelope<Object>> events() {
    String pid = "config-resource|" + FQN;
    List<ResourceEntity.Event> events =
        List.of(
            new ResourceEntity.ResourceCreated(FQN, 1, tenant("a"), "alice", "r1", T0),
            new ResourceEntity.ChildRegistered(FQN, FQN + "/workspaces/w", T0.plusSeconds(1)),
            new ResourceEntity.ResourceUpdated(
                FQN, 2, tenant("a"), tenant("b"), "bob", "r2", T0.plusSeconds(2)),
            new ResourceEntity.ResourceDeleted(
                FQN, 3, tenant("b"), "carol", "r3", T0.plusSeconds(3)));
    return java.util.stream.IntStream.range(0, events.size())
        .mapToObj(
            i ->
                EventEnvelope.<Object>create(
                    Offset.sequence(i + 1), pid, i + 1, events.get(i), T0.toEpochMilli()))
        .toList();
  }

  @Test
  void writesOneRowPerChangeAndNoneTwiceAcrossRestarts() throws Exception {
    try (var db =
        new ReadModelDatabase(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2)) {
      try (var c = db.connection()) {
        AuditSchema.migrate(c);
      }
      JdbcProjection.createTablesIfNotExists(db::newSession, testKit.system())
          .toCompletableFuture()
          .get();
      var store = new AuditStore(db.dataSource());
      var all = new AuditFilter.Request("", false, "", "", "", "", "", "", "", 100, "");
      var projectionTestKit = ProjectionTestKit.create(testKit.system());

      for (int run = 0; run < 2; run++) {
        var source =
            TestSourceProvider.<Offset, EventEnvelope<Object>>create(
                Source.from(events()), EventEnvelope::offset);
        var projection =
            JdbcProjection.exactlyOnce(
                ProjectionId.of("audit", "config-test"),
                source,
                db::newSession,
                AuditProjectionHandler::new,
                testKit.system());
        projectionTestKit.run(
            projection,
            () -> {
              var rows =
                  store
                      .query(
                          AuditFilter.parse(all, Clock.fixed(T0, ZoneOffset.UTC)),
                          AuditQueries.DEFAULT_SCAN_BUDGET)
                      .rows();
              assertThat(rows)
                  .extracting(AuditRow::operation)
                  .containsExactly("DELETE", "UPDATE", "CREATE");
            });
      }
      var rows =
          store
              .query(
                  AuditFilter.parse(all, Clock.fixed(T0, ZoneOffset.UTC)),
                  AuditQueries.DEFAULT_SCAN_BUDGET)
              .rows();
      assertThat(rows).hasSize(3);
      var update = rows.get(1);
      assertThat(update.principal()).isEqualTo("bob");
      assertThat(update.version()).isEqualTo(2);
      assertThat(update.changesJson())
          .isEqualTo("[{\"after\":\"b\",\"before\":\"a\",\"path\":\"spec.displayName\"}]");
      assertThat(rows.get(0).message()).isEqualTo("deleted Tenant version 3");
    }
  }
}
