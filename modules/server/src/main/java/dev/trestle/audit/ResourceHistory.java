package dev.trestle.audit;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.management.ContentDiff;
import dev.trestle.management.ResourceEntity;
import dev.trestle.protocol.Fqn;
import dev.trestle.storage.EventJournal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Every version of a resource, read from its journal (the source of truth, untouched by audit
 * retention): history listings and "as it was at version N".
 */
public final class ResourceHistory {
  private final ActorSystem<?> system;
  private final CurrentEventsByPersistenceIdQuery journal;

  /** One version: what it was, who made it, when and with which request. */
  public record Version(
      long version,
      String operation,
      Instant at,
      String principal,
      String requestId,
      ResourceEntity.Event event,
      ResourceEntity.View view) {}

  public ResourceHistory(ActorSystem<?> system) {
    this.system = system;
    this.journal = EventJournal.query(system, CurrentEventsByPersistenceIdQuery.class);
  }

  /** Oldest first. Fails NOT_FOUND when the FQN never existed. */
  public CompletionStage<List<Version>> versions(String fqnText) {
    Fqn fqn;
    try {
      fqn = Fqn.parse(fqnText);
      if (fqn.isRoot()) {
        throw new IllegalArgumentException("fqn is required");
      }
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          Problem.of(Problem.Code.INVALID_ARGUMENT, fqnText, "fqn: " + e.getMessage()));
    }
    String pid =
        PersistenceId.of(ResourceEntity.TYPE_KEY.name(), ResourceEntity.entityId(fqn)).id();
    return journal
        .currentEventsByPersistenceId(pid, 0L, Long.MAX_VALUE)
        .runWith(Sink.seq(), system)
        .thenApply(
            envelopes -> {
              var out = new ArrayList<Version>();
              ResourceEntity.View current = null;
              for (var envelope : envelopes) {
                var event = (ResourceEntity.Event) envelope.event();
                if (event instanceof ResourceEntity.ResourceCreated e) {
                  current =
                      new ResourceEntity.View(
                          e.after(),
                          e.version(),
                          e.at(),
                          e.principal(),
                          e.at(),
                          e.principal(),
                          List.of());
                  out.add(
                      new Version(
                          e.version(), "CREATE", e.at(), e.principal(), e.requestId(), e, current));
                } else if (event instanceof ResourceEntity.ResourceUpdated e) {
                  Instant created = current == null ? e.at() : current.createTime();
                  String createdBy = current == null ? e.principal() : current.createdBy();
                  current =
                      new ResourceEntity.View(
                          e.after(),
                          e.version(),
                          created,
                          createdBy,
                          e.at(),
                          e.principal(),
                          List.of());
                  out.add(
                      new Version(
                          e.version(), "UPDATE", e.at(), e.principal(), e.requestId(), e, current));
                } else if (event instanceof ResourceEntity.ResourceDeleted e) {
                  out.add(
                      new Version(
                          e.version(), "DELETE", e.at(), e.principal(), e.requestId(), e, null));
                  current = null;
                }
              }
              if (out.isEmpty()) {
                throw new ProblemException(
                    Problem.of(
                        Problem.Code.NOT_FOUND,
                        fqn.toString(),
                        fqn + " has no history: it never existed"));
              }
              return out;
            });
  }

  /** The resource exactly as it was at {@code version}. */
  public CompletionStage<ResourceEntity.View> at(String fqn, long version) {
    return versions(fqn)
        .thenApply(
            versions -> {
              for (Version v : versions) {
                if (v.version() == version) {
                  if (v.view() == null) {
                    throw new ProblemException(
                        Problem.of(
                            Problem.Code.NOT_FOUND,
                            fqn,
                            "version "
                                + version
                                + " of "
                                + fqn
                                + " is its deletion; ask for version "
                                + (version - 1)));
                  }
                  return v.view();
                }
              }
              long latest = versions.get(versions.size() - 1).version();
              throw new ProblemException(
                  Problem.of(
                      Problem.Code.NOT_FOUND,
                      fqn,
                      fqn + " has no version " + version + "; versions run from 1 to " + latest));
            });
  }

  /** Field changes a version made against the previous one. */
  public static List<dev.trestle.protocol.v1.FieldChange> changes(Version v) {
    var e = v.event();
    if (e instanceof ResourceEntity.ResourceCreated c) {
      return ContentDiff.changes(null, c.after());
    }
    if (e instanceof ResourceEntity.ResourceUpdated u) {
      return ContentDiff.changes(u.before(), u.after());
    }
    if (e instanceof ResourceEntity.ResourceDeleted d) {
      return ContentDiff.changes(d.before(), null);
    }
    return List.of();
  }
}
