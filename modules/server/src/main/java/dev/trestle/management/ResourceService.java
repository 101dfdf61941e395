package dev.trestle.management;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.Resource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The resource context's entry point, what the API façades call: apply ({@link ApplyWorkflow}), get
 * and list ({@link ResourceQueries}), delete ({@link CascadeDelete}). Business rules stay in {@link
 * ResourceEntity} and {@link ResourceValidator}; the classes behind this one only gather what those
 * need across entities.
 */
public final class ResourceService {
  private final ApplyWorkflow applies;
  private final ResourceQueries queries;
  private final CascadeDelete deletes;

  public ResourceService(ActorSystem<?> system, Duration askTimeout) {
    this(system, askTimeout, RefusalLog.NONE, Guard.OPEN);
  }

  public ResourceService(
      ActorSystem<?> system, Duration askTimeout, RefusalLog refusals, Guard guard) {
    var asks = new ResourceAsks(system, askTimeout);
    this.applies = new ApplyWorkflow(asks, guard, refusals);
    this.queries = new ResourceQueries(asks, guard, refusals);
    this.deletes = new CascadeDelete(asks, queries, guard, refusals);
  }

  /** One outcome per document, in the order given; refusals are recorded unless dry-run. */
  public CompletionStage<List<ApplyOutcomeView>> apply(
      List<Resource> resources, boolean dryRun, boolean stopOnError, Caller caller) {
    return applies.apply(resources, dryRun, stopOnError, caller);
  }

  /**
   * The resource if the caller may READ it; denied whether or not it exists (no existence leak).
   */
  public CompletionStage<ResourceEntity.View> get(String fqn, Caller caller) {
    return queries.get(fqn, caller);
  }

  /** A page of {@code parent}'s children (or subtree), as {@link ResourceQueries#list}. */
  public CompletionStage<ResourceQueries.Page> list(
      String parent,
      String kind,
      boolean recursive,
      String labelSelector,
      int pageSize,
      String pageToken,
      Caller caller) {
    return queries.list(parent, kind, recursive, labelSelector, pageSize, pageToken, caller);
  }

  /** The children registered under {@code parent} (unchecked: see {@link ResourceQueries}). */
  public CompletionStage<List<String>> registeredChildren(Fqn parent) {
    return queries.registeredChildren(parent);
  }

  /** Whether each FQN is an existing resource (unchecked: callers check READ). */
  public CompletionStage<List<Boolean>> exist(List<String> fqns) {
    return queries.exist(fqns);
  }

  /**
   * Deletes {@code fqn} (and with {@code cascade} its subtree); the FQNs deleted, deepest first.
   */
  public CompletionStage<List<String>> delete(
      String fqn, boolean cascade, boolean force, long expectedVersion, Caller caller) {
    return deletes.delete(fqn, cascade, force, expectedVersion, caller);
  }

  /**
   * What {@link #delete} would remove, deepest first (the target last), after the same checks;
   * deletes nothing and records no refusal.
   */
  public CompletionStage<List<ResourceEntity.View>> previewDelete(
      String fqn, boolean cascade, boolean force, long expectedVersion, Caller caller) {
    return deletes.plan(fqn, cascade, force, expectedVersion, caller);
  }
}
