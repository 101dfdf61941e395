package dev.trestle.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.JsonDiff;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Orchestrates commands across resource entities: parents before children, child registration,
 * reference lookups, cascade deletes, and listing by walking the tree. Business rules stay in
 * {@link ResourceEntity} and {@link ResourceValidator}; this class only gathers what they need.
 */
public final class ResourceService {
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final RefusalLog refusals;
  private final Guard guard;

  public record Page(List<ResourceEntity.View> items, String nextPageToken) {}

  public ResourceService(ActorSystem<?> system, Duration askTimeout) {
    this(system, askTimeout, RefusalLog.NONE, Guard.OPEN);
  }

  public ResourceService(
      ActorSystem<?> system, Duration askTimeout, RefusalLog refusals, Guard guard) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.refusals = refusals;
    this.guard = guard;
  }

  /** Starts sharding for resource entities on this node; call once per actor system. */
  public static void initSharding(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(Entity.of(ResourceEntity.TYPE_KEY, ctx -> ResourceEntity.create(ctx.getEntityId())));
  }

  // ---------------------------------------------------------------- apply

  public CompletionStage<List<ApplyOutcomeView>> apply(
      List<Resource> resources, boolean dryRun, boolean stopOnError, Caller caller) {
    var results = new ApplyOutcomeView[resources.size()];
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      var violations = ResourceValidator.checkAlone(r);
      if (!violations.isEmpty()) {
        results[i] =
            failed(i, r, fqnOrEmpty(r), Problem.invalid(fqnOrEmpty(r), violations), "APPLY");
      } else {
        order.add(i);
      }
    }
    List<List<Integer>> waves = ApplyOrder.waves(resources, order);
    Map<String, ResourceSnapshot> pending = new java.util.concurrent.ConcurrentHashMap<>();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    boolean[] stopped = {stopOnError && hasFailure(results)};
    for (List<Integer> wave : waves) {
      chain =
          chain.thenCompose(
              ignored -> {
                var running = new ArrayList<CompletableFuture<Void>>();
                for (int i : wave) {
                  Resource r = resources.get(i);
                  if (stopped[0]) {
                    results[i] =
                        new ApplyOutcomeView(
                            i, r.getKind(), fqnOrEmpty(r), null, 0, null, List.of(), true, "APPLY");
                    continue;
                  }
                  running.add(
                      applyOne(i, r, dryRun, caller, pending)
                          .thenAccept(result -> results[i] = result)
                          .toCompletableFuture());
                }
                return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .thenRun(
                        () -> {
                          if (stopOnError && hasFailure(results)) {
                            stopped[0] = true;
                          }
                        });
              });
    }
    return chain.thenApply(
        ignored -> {
          if (!dryRun) {
            for (var r : results) {
              if (r.problem() != null) {
                refusals.refused(caller, r.operation(), r.kind(), r.fqn(), r.problem());
              }
            }
          }
          return List.of(results);
        });
  }

  private static boolean hasFailure(ApplyOutcomeView[] results) {
    for (var r : results) {
      if (r != null && r.problem() != null) {
        return true;
      }
    }
    return false;
  }

  private CompletionStage<ApplyOutcomeView> applyOne(
      int index,
      Resource resource,
      boolean dryRun,
      Caller caller,
      Map<String, ResourceSnapshot> pending) {
    Kind kind = kindOf(resource);
    ResourceSnapshot desired = ResourceMapper.snapshotOf(resource);
    Fqn fqn = Fqn.parse(desired.fqn());
    long expected = resource.getMetadata().getVersion();

    CompletionStage<List<ResourceSnapshot>> ancestors = ancestors(fqn, pending);
    CompletionStage<Set<String>> existingRefs =
        existing(ResourceValidator.references(resource).values(), pending);
    CompletionStage<ResourceEntity.View> current = view(fqn);

    return ancestors
        .thenCombine(existingRefs, (a, refs) -> new ValidationContext(a, refs))
        .thenCompose(
            context ->
                current.thenCompose(
                    before -> {
                      boolean creating = !before.exists();
                      CompletionStage<Void> permitted =
                          creating
                              ? guard.require(caller.principal(), Perm.CREATE, fqn.parent())
                              : guard.require(caller.principal(), Perm.WRITE, fqn);
                      CompletionStage<Void> registered =
                          creating && !dryRun
                              ? permitted.thenCompose(x -> registerChild(fqn))
                              : permitted;
                      return registered.thenCompose(
                          ignored ->
                              entity(fqn)
                                  .<ResourceEntity.ApplyReply>ask(
                                      replyTo ->
                                          new ResourceEntity.ApplyResource(
                                              desired,
                                              expected,
                                              context,
                                              caller.principal(),
                                              caller.requestId(),
                                              dryRun,
                                              replyTo),
                                      askTimeout)
                                  .thenCompose(
                                      reply -> {
                                        if (reply.problem() != null
                                            && creating
                                            && !dryRun
                                            && reply.before() == null) {
                                          return unregisterChild(fqn).thenApply(x -> reply);
                                        }
                                        if (!dryRun
                                            && reply.outcome() == ResourceEntity.Outcome.CREATED) {
                                          return guard
                                              .created(caller, fqn.toString())
                                              .thenApply(x -> reply);
                                        }
                                        return CompletableFuture.completedFuture(reply);
                                      }));
                    }))
        .thenApply(
            reply -> {
              if (reply.problem() != null) {
                return failed(
                    index,
                    resource,
                    desired.fqn(),
                    reply.problem(),
                    reply.before() == null ? "CREATE" : "UPDATE");
              }
              if (dryRun && reply.outcome() != ResourceEntity.Outcome.UNCHANGED) {
                pending.put(desired.fqn(), desired);
              }
              var changes =
                  reply.outcome() == ResourceEntity.Outcome.UNCHANGED
                      ? List.<FieldChange>of()
                      : changes(
                          reply.before() == null ? null : reply.before().snapshot(),
                          reply.after().snapshot());
              return new ApplyOutcomeView(
                  index,
                  kind.kindName(),
                  desired.fqn(),
                  reply.outcome(),
                  reply.after().version(),
                  null,
                  changes,
                  false,
                  reply.outcome() == ResourceEntity.Outcome.UPDATED ? "UPDATE" : "CREATE");
            })
        .exceptionally(
            e -> {
              Problem p = Problem.of(e, desired.fqn());
              String op =
                  p.code() == Problem.Code.PERMISSION_DENIED && p.message().contains(" CREATE ")
                      ? "CREATE"
                      : p.code() == Problem.Code.PERMISSION_DENIED ? "UPDATE" : "APPLY";
              return failed(index, resource, desired.fqn(), p, op);
            });
  }

  /** The stored ancestors of {@code fqn}, root first; fails naming the first missing one. */
  private CompletionStage<List<ResourceSnapshot>> ancestors(
      Fqn fqn, Map<String, ResourceSnapshot> pending) {
    var chain = new ArrayList<Fqn>();
    for (Fqn f = fqn.parent(); !f.isRoot(); f = f.parent()) {
      chain.add(0, f);
    }
    var lookups = chain.stream().map(f -> view(f).toCompletableFuture()).toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              var out = new ArrayList<ResourceSnapshot>();
              for (int i = 0; i < chain.size(); i++) {
                var v = lookups.get(i).join();
                ResourceSnapshot snapshot =
                    v.exists() ? v.snapshot() : pending.get(chain.get(i).toString());
                if (snapshot == null) {
                  throw new ProblemException(
                      Problem.of(
                          Problem.Code.FAILED_PRECONDITION,
                          fqn.toString(),
                          "parent " + chain.get(i) + " does not exist; create it before " + fqn));
                }
                out.add(snapshot);
              }
              return out;
            });
  }

  private CompletionStage<Set<String>> existing(
      java.util.Collection<String> fqns, Map<String, ResourceSnapshot> pending) {
    var futures = new LinkedHashMap<String, CompletableFuture<ResourceEntity.View>>();
    for (String text : fqns) {
      try {
        Fqn f = Fqn.parse(text);
        if (!f.isRoot()) {
          futures.put(text, view(f).toCompletableFuture());
        }
      } catch (IllegalArgumentException e) {
        // malformed references are reported by the validator
      }
    }
    return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              Set<String> found = new HashSet<>();
              futures.forEach(
                  (text, f) -> {
                    if (f.join().exists() || pending.containsKey(text)) {
                      found.add(text);
                    }
                  });
              return found;
            });
  }

  private CompletionStage<Void> registerChild(Fqn child) {
    return entity(child.parent())
        .<ResourceEntity.ChildReply>ask(
            replyTo -> new ResourceEntity.RegisterChild(child.toString(), replyTo), askTimeout)
        .thenApply(
            reply -> {
              if (reply.problem() != null) {
                throw new ProblemException(reply.problem());
              }
              return null;
            });
  }

  private CompletionStage<Void> unregisterChild(Fqn child) {
    return entity(child.parent())
        .<ResourceEntity.ChildReply>ask(
            replyTo -> new ResourceEntity.UnregisterChild(child.toString(), replyTo), askTimeout)
        .thenApply(reply -> null);
  }

  /** Field-level changes between two contents, as the diff/audit views show them. */
  public static List<FieldChange> changes(ResourceSnapshot before, ResourceSnapshot after) {
    return JsonDiff.diff(
        before == null ? null : contentTree(before), after == null ? null : contentTree(after), "");
  }

  public static JsonNode contentTree(ResourceSnapshot s) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = root.putObject("metadata");
    if (!s.labels().isEmpty()) {
      ObjectNode labels = metadata.putObject("labels");
      s.labels().forEach(labels::put);
    }
    if (!s.description().isEmpty()) {
      metadata.put("description", s.description());
    }
    if (s.deletionProtection()) {
      metadata.put("deletionProtection", true);
    }
    root.set("spec", CanonicalJson.parse(s.specJson()));
    return root;
  }

  // ---------------------------------------------------------------- get / list

  /**
   * The resource if the caller may READ it; denied whether or not it exists (no existence leak).
   */
  public CompletionStage<ResourceEntity.View> get(String fqnText, Caller caller) {
    Fqn fqn;
    try {
      fqn = parseFqn("fqn", fqnText);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    return guard.require(caller.principal(), Perm.READ, fqn).thenCompose(x -> get(fqnText));
  }

  private CompletionStage<ResourceEntity.View> get(String fqnText) {
    Fqn fqn;
    try {
      fqn = parseFqn("fqn", fqnText);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (fqn.isRoot()) {
      return CompletableFuture.failedFuture(
          new ProblemException(Problem.of(Problem.Code.INVALID_ARGUMENT, "", "fqn is required")));
    }
    return view(fqn)
        .thenApply(
            v -> {
              if (!v.exists()) {
                throw new ProblemException(
                    Problem.of(Problem.Code.NOT_FOUND, fqn.toString(), fqn + " does not exist"));
              }
              return v;
            });
  }

  public CompletionStage<Page> list(
      String parentText,
      String kindText,
      boolean recursive,
      String labelSelector,
      int pageSize,
      String pageToken,
      Caller caller) {
    Fqn parent;
    Kind kind;
    LabelSelector selector;
    String after;
    int size;
    try {
      parent = parseFqn("parent", parentText);
      kind =
          kindText == null || kindText.isBlank()
              ? null
              : Kind.lookup(kindText)
                  .orElseThrow(
                      () ->
                          invalid(
                              "kind",
                              "unknown kind '" + kindText + "'; one of " + Kind.acceptedNames()));
      if (kind != null
          && !recursive
          && kind.parent().map(p -> p.depth() + 1).orElse(0) != parent.depth()) {
        throw invalid(
            "kind",
            kind.kindName()
                + " resources are not direct children of "
                + (parent.isRoot() ? "the root" : parent.toString())
                + "; ask for a recursive list");
      }
      if (kind != null && !parent.isRoot() && !kind.lineage().contains(parent.kind().get())) {
        throw invalid(
            "kind",
            kind.kindName() + " resources never live under " + parent.kind().get().kindName());
      }
      selector = LabelSelector.parse(labelSelector);
      after = decodePageToken(pageToken);
      if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
        throw invalid("pageSize", "must be between 1 and " + MAX_PAGE_SIZE + ", was " + pageSize);
      }
      size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<Boolean> readsParent = guard.allowed(caller.principal(), Perm.READ, parent);
    CompletionStage<ResourceEntity.View> start =
        parent.isRoot()
            ? view(parent)
            : readsParent.thenCompose(
                mayRead ->
                    mayRead
                        ? get(parent.toString())
                        : view(parent)); // unreadable parents list only what is readable below
    return start
        .thenCompose(p -> collect(p.children(), kind, recursive, new ArrayList<>()))
        .thenCompose(
            found ->
                readsParent.thenCompose(
                    all ->
                        all ? CompletableFuture.completedFuture(found) : readable(found, caller)))
        .thenApply(
            found -> {
              var matching =
                  found.stream()
                      .filter(v -> kind == null || v.snapshot().kind().equals(kind.kindName()))
                      .filter(v -> selector.matches(v.snapshot().labels()))
                      .filter(v -> after == null || v.snapshot().fqn().compareTo(after) > 0)
                      .sorted(Comparator.comparing(v -> v.snapshot().fqn()))
                      .toList();
              if (matching.size() <= size) {
                return new Page(matching, "");
              }
              var page = matching.subList(0, size);
              return new Page(page, encodePageToken(page.get(size - 1).snapshot().fqn()));
            });
  }

  private CompletionStage<List<ResourceEntity.View>> readable(
      List<ResourceEntity.View> views, Caller caller) {
    var checks =
        views.stream()
            .map(
                v ->
                    guard
                        .allowed(caller.principal(), Perm.READ, Fqn.parse(v.snapshot().fqn()))
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              var out = new ArrayList<ResourceEntity.View>();
              for (int i = 0; i < views.size(); i++) {
                if (checks.get(i).join()) {
                  out.add(views.get(i));
                }
              }
              return out;
            });
  }

  private CompletionStage<List<ResourceEntity.View>> collect(
      List<String> children, Kind kind, boolean recursive, List<ResourceEntity.View> acc) {
    if (children.isEmpty()) {
      return CompletableFuture.completedFuture(acc);
    }
    var futures = children.stream().map(c -> view(Fqn.parse(c)).toCompletableFuture()).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenCompose(
            ignored -> {
              var next = new ArrayList<String>();
              for (var f : futures) {
                var v = f.join();
                if (!v.exists()) {
                  continue; // a registration whose create never completed
                }
                acc.add(v);
                Kind childKind = Kind.byKindName(v.snapshot().kind()).orElseThrow();
                boolean mayContainTarget =
                    kind == null || (kind != childKind && kind.lineage().contains(childKind));
                if (recursive && mayContainTarget) {
                  next.addAll(v.children());
                }
              }
              return collect(next, kind, recursive, acc);
            });
  }

  // ---------------------------------------------------------------- delete

  public CompletionStage<List<String>> delete(
      String fqnText, boolean cascade, boolean force, long expectedVersion, Caller caller) {
    CompletionStage<Void> permitted;
    try {
      permitted = guard.require(caller.principal(), Perm.DELETE, parseFqn("fqn", fqnText));
    } catch (ProblemException e) {
      permitted = CompletableFuture.failedFuture(e);
    }
    return permitted
        .thenCompose(x -> get(fqnText))
        .thenCompose(
            target -> {
              if (expectedVersion > 0 && expectedVersion != target.version()) {
                throw new ProblemException(
                    Problem.conflict(
                        target.snapshot().fqn(),
                        "version "
                            + expectedVersion
                            + " is stale: the current version of "
                            + target.snapshot().fqn()
                            + " is "
                            + target.version(),
                        target.version()));
              }
              return subtree(target, new ArrayList<>(List.of(target)));
            })
        .thenCompose(
            nodes -> {
              var target = nodes.get(0);
              String fqn = target.snapshot().fqn();
              var descendants = nodes.subList(1, nodes.size());
              if (!descendants.isEmpty() && !cascade) {
                List<String> direct =
                    descendants.stream()
                        .map(v -> v.snapshot().fqn())
                        .filter(f -> Fqn.parse(f).parent().toString().equals(fqn))
                        .sorted()
                        .toList();
                throw new ProblemException(
                    Problem.hasChildren(
                        fqn,
                        fqn
                            + " has "
                            + descendants.size()
                            + " descendant(s), "
                            + direct.size()
                            + " direct: "
                            + String.join(", ", direct)
                            + "; delete them first or use cascade",
                        direct));
              }
              var protectedOnes =
                  nodes.stream()
                      .filter(v -> v.snapshot().deletionProtection())
                      .map(v -> v.snapshot().fqn())
                      .sorted()
                      .toList();
              if (!protectedOnes.isEmpty() && !force) {
                throw new ProblemException(
                    new Problem(
                        Problem.Code.FAILED_PRECONDITION,
                        "deletionProtection is set on "
                            + String.join(", ", protectedOnes)
                            + "; use force to delete",
                        List.of(),
                        fqn,
                        0,
                        protectedOnes));
              }
              var order = new ArrayList<>(nodes);
              order.sort(
                  Comparator.<ResourceEntity.View>comparingInt(
                          v -> -Fqn.parse(v.snapshot().fqn()).depth())
                      .thenComparing(v -> v.snapshot().fqn()));
              var deleted = new ArrayList<String>();
              CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
              for (var node : order) {
                Fqn nodeFqn = Fqn.parse(node.snapshot().fqn());
                long precondition = node == target ? expectedVersion : 0;
                chain =
                    chain
                        .thenCompose(
                            x ->
                                entity(nodeFqn)
                                    .<ResourceEntity.DeleteReply>ask(
                                        replyTo ->
                                            new ResourceEntity.DeleteResource(
                                                precondition,
                                                force,
                                                caller.principal(),
                                                caller.requestId(),
                                                replyTo),
                                        askTimeout))
                        .thenCompose(
                            reply -> {
                              if (reply.problem() != null) {
                                throw new ProblemException(reply.problem());
                              }
                              deleted.add(nodeFqn.toString());
                              return unregisterChild(nodeFqn);
                            });
              }
              return chain.thenApply(x -> List.copyOf(deleted));
            })
        .exceptionally(
            e -> {
              Problem problem = Problem.of(e, fqnText);
              String kind = "";
              try {
                kind = Fqn.parse(fqnText).kind().map(Kind::kindName).orElse("");
              } catch (IllegalArgumentException malformed) {
                // the problem already says the FQN is malformed
              }
              refusals.refused(caller, "DELETE", kind, fqnText, problem);
              throw new ProblemException(problem);
            });
  }

  /** The node and all live descendants; drops child registrations whose child is gone. */
  private CompletionStage<List<ResourceEntity.View>> subtree(
      ResourceEntity.View node, List<ResourceEntity.View> acc) {
    Fqn nodeFqn = Fqn.parse(node.snapshot().fqn());
    var futures =
        node.children().stream().map(c -> view(Fqn.parse(c)).toCompletableFuture()).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenCompose(
            ignored -> {
              CompletionStage<List<ResourceEntity.View>> chain =
                  CompletableFuture.completedFuture(acc);
              for (int i = 0; i < futures.size(); i++) {
                var child = futures.get(i).join();
                String childFqn = node.children().get(i);
                if (!child.exists()) {
                  chain =
                      chain.thenCompose(
                          a ->
                              entity(nodeFqn)
                                  .<ResourceEntity.ChildReply>ask(
                                      r -> new ResourceEntity.UnregisterChild(childFqn, r),
                                      askTimeout)
                                  .thenApply(x -> a));
                } else {
                  chain =
                      chain.thenCompose(
                          a -> {
                            a.add(child);
                            return subtree(child, a);
                          });
                }
              }
              return chain;
            });
  }

  // ---------------------------------------------------------------- helpers

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<ResourceEntity.Command> entity(
      Fqn fqn) {
    return sharding.entityRefFor(ResourceEntity.TYPE_KEY, ResourceEntity.entityId(fqn));
  }

  private CompletionStage<ResourceEntity.View> view(Fqn fqn) {
    return entity(fqn)
        .<ResourceEntity.View>ask(ResourceEntity.GetResource::new, askTimeout)
        .exceptionally(
            e -> {
              throw new ProblemException(Problem.of(e, fqn.toString()));
            });
  }

  private static Kind kindOf(Resource r) {
    return Kind.byKindName(r.getKind()).orElseThrow();
  }

  private static String fqnOrEmpty(Resource r) {
    try {
      return Kind.byKindName(r.getKind())
          .map(k -> Fqn.of(k, r.getMetadata()).toString())
          .orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static ApplyOutcomeView failed(
      int index, Resource r, String fqn, Problem problem, String operation) {
    return new ApplyOutcomeView(
        index,
        r.getKind(),
        fqn,
        ResourceEntity.Outcome.REFUSED,
        0,
        problem,
        List.of(),
        false,
        operation);
  }

  private static Fqn parseFqn(String field, String text) {
    try {
      return Fqn.parse(text);
    } catch (IllegalArgumentException e) {
      throw invalid(field, e.getMessage());
    }
  }

  private static ProblemException invalid(String field, String description) {
    return new ProblemException(Problem.invalidField(field, description));
  }

  static String encodePageToken(String lastFqn) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("v1:" + lastFqn).getBytes(StandardCharsets.UTF_8));
  }

  static String decodePageToken(String token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!text.startsWith("v1:")) {
        throw new IllegalArgumentException();
      }
      String fqn = text.substring(3);
      Fqn.parse(fqn);
      return fqn;
    } catch (IllegalArgumentException e) {
      throw invalid("pageToken", "is not a token returned by a previous list call");
    }
  }
}
