package dev.trestle.gitops;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/** The runner's and the status API's way to the sources' {@link SyncStatusEntity} (sharded). */
final class SyncStatusStore {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Clock clock;

  SyncStatusStore(ClusterSharding sharding, Duration askTimeout, Clock clock) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  /** Registers the entity on this node (every node, so status reads work wherever they land). */
  static SyncStatusStore start(ActorSystem<?> system, Duration askTimeout, Clock clock) {
    var sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(SyncStatusEntity.TYPE_KEY, ctx -> SyncStatusEntity.create(ctx.getEntityId())));
    return new SyncStatusStore(sharding, askTimeout, clock);
  }

  /** The journaled status of {@code source} (empty when it never synced). */
  CompletionStage<SyncStatusEntity.State> load(String source) {
    return sharding
        .entityRefFor(SyncStatusEntity.TYPE_KEY, source)
        .ask(SyncStatusEntity.GetSyncStatus::new, askTimeout);
  }

  /** The last outcome of {@code source}, as a report ({@link SyncReport#NONE} when none). */
  CompletionStage<SyncReport> lastReport(String source) {
    return load(source).thenApply(s -> s.last() == null ? SyncReport.NONE : s.last().toReport());
  }

  /** Journals that a sync of {@code source} is about to write at {@code commit}. */
  CompletionStage<Void> beginWrites(String source, String commit) {
    return sharding
        .entityRefFor(SyncStatusEntity.TYPE_KEY, source)
        .<Done>ask(r -> new SyncStatusEntity.BeginWrites(commit, clock.instant(), r), askTimeout)
        .thenApply(done -> null);
  }

  /** Journals a sync's outcome when it differs from the last one (or the sync wrote). */
  CompletionStage<Void> record(String source, SyncReport report) {
    return sharding
        .entityRefFor(SyncStatusEntity.TYPE_KEY, source)
        .<Done>ask(r -> new SyncStatusEntity.RecordSync(SyncRecord.of(report), r), askTimeout)
        .thenApply(done -> null);
  }
}
