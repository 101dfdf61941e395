package dev.trestle.observability;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.iam.PolicyEntity;
import dev.trestle.iam.PrincipalEntity;
import dev.trestle.iam.RoleEntity;
import dev.trestle.management.ResourceEntity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * Events the journal stored and writes it failed, by entity type: {@code resource} (config
 * resources), {@code cluster} (cluster registry: connects, heartbeats, ACKs), {@code iam}
 * (principals, roles, access policies), {@code other}.
 */
final class JournalMeters {
  private static final Map<String, String> TYPES =
      Map.of(
          ResourceEntity.TYPE_KEY.name(), "resource",
          ClusterEntity.TYPE_KEY.name(), "cluster",
          PolicyEntity.TYPE_KEY.name(), "iam",
          RoleEntity.TYPE_KEY.name(), "iam",
          PrincipalEntity.TYPE_KEY.name(), "iam");

  private final MeterRegistry registry;

  JournalMeters(MeterRegistry registry) {
    this.registry = registry;
    // Series exist from the start, so that rate() and alerts see 0 rather than nothing.
    for (String type : new java.util.TreeSet<>(TYPES.values())) {
      persistedCounter(type);
      failureCounter(type, "failed");
      failureCounter(type, "rejected");
    }
  }

  void persisted(String persistenceId) {
    persistedCounter(entityType(persistenceId)).increment();
  }

  /** {@code failed}: the store did not take the write; {@code rejected}: e.g. not serializable. */
  void failed(String persistenceId, String reason) {
    failureCounter(entityType(persistenceId), reason).increment();
  }

  /** Persistence ids are "TYPEKEY|entityId" (PersistenceId.of). */
  static String entityType(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    String key = bar < 0 ? persistenceId : persistenceId.substring(0, bar);
    return TYPES.getOrDefault(key, "other");
  }

  private Counter persistedCounter(String type) {
    return Counter.builder("trestle.events.persisted")
        .description("Events written to the journal, by entity type")
        .tag("entity_type", type)
        .register(registry);
  }

  private Counter failureCounter(String type, String reason) {
    return Counter.builder("trestle.journal.write.failures")
        .description(
            "Events the journal failed to write (failed) or refused (rejected), by entity type")
        .tags("entity_type", type, "reason", reason)
        .register(registry);
  }
}
