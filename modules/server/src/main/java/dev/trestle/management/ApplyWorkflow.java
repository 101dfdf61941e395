package dev.trestle.management;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.ExtensionGrants;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.WasmExtensionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a batch of documents. First the whole request: every {@code apiVersion} supported ({@link
 * #unsupportedApiVersion}), then each document admitted before its content is judged ({@link
 * WriteAdmission}: permission before validation). Then parents before children (waves of {@link
 * ApplyOrder}), documents of one wave in parallel, each through the same named steps: {@link
 * #gatherContext} (ancestors, referenced resources and the current state, asked at once), {@link
 * #authorize} (CREATE on the parent or WRITE on the resource), {@link #registerWithParent} (creates
 * only), {@link #askEntity}, {@link #settle} (undo the registration of a refused create; make the
 * creator admin of what it created) and {@link #outcome}. Refusals, dry runs' included, are
 * recorded with the operation the attempt had reached (APPLY until the current state is known, then
 * CREATE or UPDATE). Referenced resources the caller may not READ count as missing ({@link
 * #existing}).
 *
 * <p><b>Each document is validated once.</b> The rules that need nothing but the document ({@link
 * ResourceValidator#checkAlone}) run here, before anything is asked, so a bad document costs no
 * entity round trip and stops a {@code stopOnError} batch before its first wave. The rules that
 * need the context (ancestors, referenced resources) run in {@link ResourceEntity}, against the
 * context gathered here ({@link ResourceValidator#checkInContext}), together with the entity's own
 * rules (FQN, version precondition, unchanged content). The command says that the document passed
 * the first half; any other sender of {@code ApplyResource} gets the full check in the entity, so
 * no invalid content is ever persisted.
 *
 * <p>Why one file of about 450 lines: it is the apply saga, and its steps are listed above in the
 * order they run; each step is a short method over the same per-document context, and what each
 * step decides with a rule of its own already lives elsewhere ({@link WriteAdmission}, {@link
 * ResourceValidator}, {@link ApplyOrder}, {@link CascadeDelete}). Splitting the steps across files
 * would hide that order, which is what a reader of this class comes for.
 */
final class ApplyWorkflow {
  private final ResourceAsks asks;
  private final Guard guard;
  private final RefusalLog refusals;
  private final WriteAdmission admission;

  ApplyWorkflow(ResourceAsks asks, Guard guard, RefusalLog refusals) {
    this.asks = asks;
    this.guard = guard;
    this.refusals = refusals;
    this.admission = new WriteAdmission(asks, guard);
  }

  /** One outcome per document, in the order given. */
  CompletionStage<List<ApplyOutcomeView>> apply(
      List<Resource> resources, boolean dryRun, boolean stopOnError, Caller caller) {
    Problem unsupported = unsupportedApiVersion(resources);
    if (unsupported != null) {
      return CompletableFuture.failedFuture(new ProblemException(unsupported));
    }
    var admissions =
        resources.stream().map(r -> admission.check(r, caller).toCompletableFuture()).toList();
    return CompletableFuture.allOf(admissions.toArray(CompletableFuture[]::new))
        .thenCompose(
            x -> {
              var denials = admissions.stream().map(CompletableFuture::join).toList();
              return apply(resources, denials, dryRun, stopOnError, caller);
            });
  }

  /**
   * A document whose {@code apiVersion} is missing or not the supported one makes the whole request
   * invalid, as a document that cannot be read does over REST, in the same words ({@link
   * ResourceDocuments#apiVersionProblem}); a {@code Resource} message has no line to name.
   */
  static Problem unsupportedApiVersion(List<Resource> resources) {
    for (int i = 0; i < resources.size(); i++) {
      String given = resources.get(i).getApiVersion();
      String problem = ResourceDocuments.apiVersionProblem(given.isEmpty() ? null : given);
      if (problem != null) {
        String description = "apiVersion: " + problem;
        return new Problem(
            Problem.Code.INVALID_ARGUMENT,
            "document " + (i + 1) + ": " + description,
            List.of(new Problem.Violation("documents[" + i + "].apiVersion", description)),
            "",
            0,
            List.of());
      }
    }
    return null;
  }

  private CompletionStage<List<ApplyOutcomeView>> apply(
      List<Resource> resources,
      List<Problem> denials,
      boolean dryRun,
      boolean stopOnError,
      Caller caller) {
    var results = new ApplyOutcomeView[resources.size()];
    List<Integer> valid = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      String fqn = fqnOrEmpty(r);
      if (denials.get(i) != null) {
        results[i] = refused(i, r, fqn, denials.get(i), WriteOperation.APPLY);
        continue;
      }
      var violations = ResourceValidator.checkAlone(r);
      if (violations.isEmpty()) {
        valid.add(i);
      } else {
        results[i] = refused(i, r, fqn, Problem.invalid(fqn, violations), WriteOperation.APPLY);
      }
    }
    // Dry runs see the documents of earlier waves as if they were stored.
    Map<String, ResourceSnapshot> pending = new ConcurrentHashMap<>();
    boolean[] stopped = {stopOnError && hasFailure(results)};
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (List<Integer> wave : ApplyOrder.waves(resources, valid)) {
      chain =
          chain.thenCompose(
              ignored -> {
                var running = new ArrayList<CompletableFuture<Void>>();
                for (int i : wave) {
                  Resource r = resources.get(i);
                  if (stopped[0]) {
                    results[i] = skipped(i, r);
                    continue;
                  }
                  var attempt = new Attempt(i, r, dryRun, caller, pending);
                  running.add(
                      applyOne(attempt)
                          .thenAccept(result -> results[attempt.index] = result)
                          .toCompletableFuture());
                }
                return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .thenRun(() -> stopped[0] = stopOnError && hasFailure(results));
              });
    }
    return chain.thenApply(ignored -> recordRefusals(results, dryRun, caller));
  }

  /** What one document's steps share; each step runs after the previous one completed. */
  private static final class Attempt {
    final int index;
    final Resource resource;
    final ResourceSnapshot desired;
    final Fqn fqn;
    final boolean dryRun;
    final Caller caller;
    final Map<String, ResourceSnapshot> pending;
    ValidationContext context;
    boolean creating;
    WriteOperation operation = WriteOperation.APPLY;

    Attempt(
        int index,
        Resource resource,
        boolean dryRun,
        Caller caller,
        Map<String, ResourceSnapshot> pending) {
      this.index = index;
      this.resource = resource;
      this.desired = ResourceMapper.snapshotOf(resource);
      this.fqn = Fqn.parse(desired.fqn());
      this.dryRun = dryRun;
      this.caller = caller;
      this.pending = pending;
    }
  }

  private CompletionStage<ApplyOutcomeView> applyOne(Attempt attempt) {
    return gatherContext(attempt)
        .thenCompose(x -> authorize(attempt))
        .thenCompose(x -> registerWithParent(attempt))
        .thenCompose(x -> askEntity(attempt))
        .thenCompose(reply -> settle(attempt, reply))
        .thenApply(reply -> outcome(attempt, reply))
        .exceptionally(e -> failed(attempt, Problem.of(e, attempt.desired.fqn())));
  }

  /** Ancestors (failing on the first missing one), referenced resources and the current state. */
  private CompletionStage<Void> gatherContext(Attempt a) {
    var ancestors = ancestors(a.fqn, a.pending);
    var references = references(a);
    var current = asks.view(a.fqn);
    return ancestors
        .thenCombine(
            references,
            (chain, found) -> new ValidationContext(chain, found.keySet(), withContent(found)))
        .thenCombine(
            current,
            (context, before) -> {
              a.context = context;
              a.creating = !before.exists();
              a.operation = a.creating ? WriteOperation.CREATE : WriteOperation.UPDATE;
              return null;
            });
  }

  /** Creating needs CREATE on the parent; updating needs WRITE on the resource. */
  private CompletionStage<Void> authorize(Attempt a) {
    return a.creating
        ? guard.require(a.caller.principal(), Perm.CREATE, a.fqn.parent())
        : guard.require(a.caller.principal(), Perm.WRITE, a.fqn);
  }

  /** A new resource is registered with its parent first (the parent refuses if it is gone). */
  private CompletionStage<Void> registerWithParent(Attempt a) {
    if (!a.creating || a.dryRun) {
      return CompletableFuture.completedFuture(null);
    }
    return asks.entity(a.fqn.parent())
        .<ResourceEntity.ChildReply>ask(
            replyTo -> new ResourceEntity.RegisterChild(a.fqn.toString(), replyTo), asks.timeout())
        .thenApply(
            reply -> {
              if (reply.problem() != null) {
                throw new ProblemException(reply.problem());
              }
              return null;
            });
  }

  private CompletionStage<ResourceEntity.ApplyReply> askEntity(Attempt a) {
    long expected = a.resource.getMetadata().getVersion();
    return asks.entity(a.fqn)
        .<ResourceEntity.ApplyReply>ask(
            replyTo ->
                new ResourceEntity.ApplyResource(
                    a.desired,
                    expected,
                    a.context,
                    true,
                    a.caller.principal(),
                    a.caller.requestId(),
                    a.dryRun,
                    replyTo),
            asks.timeout());
  }

  /** Undoes the registration of a refused create; makes the creator admin of a created one. */
  private CompletionStage<ResourceEntity.ApplyReply> settle(
      Attempt a, ResourceEntity.ApplyReply reply) {
    if (a.dryRun) {
      return CompletableFuture.completedFuture(reply);
    }
    if (reply.problem() != null && a.creating && reply.before() == null) {
      return asks.unregisterChild(a.fqn).thenApply(x -> reply);
    }
    if (reply.outcome() == ResourceEntity.Outcome.CREATED) {
      return guard.created(a.caller, a.fqn.toString()).thenApply(x -> reply);
    }
    return CompletableFuture.completedFuture(reply);
  }

  private ApplyOutcomeView outcome(Attempt a, ResourceEntity.ApplyReply reply) {
    if (reply.problem() != null) {
      var operation = reply.before() == null ? WriteOperation.CREATE : WriteOperation.UPDATE;
      return refused(a.index, a.resource, a.desired.fqn(), reply.problem(), operation);
    }
    if (a.dryRun && reply.outcome() != ResourceEntity.Outcome.UNCHANGED) {
      a.pending.put(a.desired.fqn(), a.desired);
    }
    var changes =
        reply.outcome() == ResourceEntity.Outcome.UNCHANGED
            ? List.<FieldChange>of()
            : ContentDiff.changes(
                reply.before() == null ? null : reply.before().snapshot(),
                reply.after().snapshot());
    return new ApplyOutcomeView(
        a.index,
        kindOf(a.resource).kindName(),
        a.desired.fqn(),
        reply.outcome(),
        reply.after().version(),
        null,
        changes,
        false,
        reply.outcome() == ResourceEntity.Outcome.UPDATED
            ? WriteOperation.UPDATE
            : WriteOperation.CREATE,
        reply.after().snapshot());
  }

  /**
   * A step failed: a denial is recorded as the operation it denied (CREATE or UPDATE), anything
   * else (missing parent, timeout) as APPLY.
   */
  private static ApplyOutcomeView failed(Attempt a, Problem problem) {
    var operation =
        problem.code() == Problem.Code.PERMISSION_DENIED ? a.operation : WriteOperation.APPLY;
    return refused(a.index, a.resource, a.desired.fqn(), problem, operation);
  }

  /** The stored ancestors of {@code fqn}, root first; fails naming the first missing one. */
  private CompletionStage<List<ResourceSnapshot>> ancestors(
      Fqn fqn, Map<String, ResourceSnapshot> pending) {
    var chain = new ArrayList<Fqn>();
    for (Fqn f = fqn.parent(); !f.isRoot(); f = f.parent()) {
      chain.add(0, f);
    }
    var lookups = chain.stream().map(f -> asks.view(f).toCompletableFuture()).toList();
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

  /**
   * Which of the referenced FQNs exist for this caller: pending in this dry run (the caller's own
   * documents), or stored and readable by the caller. A reference to something the caller may not
   * READ is answered exactly as one to something that does not exist (issue 16, point 2), so
   * references cannot probe another tenant's tree. A WasmExtension is also there for a caller who
   * may not READ it when it allows the referring resource's tenant ({@link ExtensionGrants}): the
   * catalog entry's {@code allowedTenants} is its grant to use it. Existing WasmExtensions come
   * with their content, which the validator checks the tenant against.
   */
  private CompletionStage<Map<String, ResourceSnapshot>> references(Attempt a) {
    String tenant = a.fqn.nameOf(Kind.TENANT).orElse("");
    var futures = new LinkedHashMap<String, CompletableFuture<ResourceSnapshot>>();
    for (String text : ResourceValidator.references(a.resource).values()) {
      try {
        Fqn f = Fqn.parse(text);
        if (!f.isRoot()) {
          futures.put(
              text,
              guard
                  .allowed(a.caller.principal(), Perm.READ, f)
                  .thenCombine(
                      asks.view(f),
                      (readable, view) -> {
                        if (!view.exists()) {
                          return null;
                        }
                        boolean usable =
                            f.kind().orElse(null) == Kind.WASM_EXTENSION
                                && ExtensionGrants.allows(
                                    (WasmExtensionSpec) ResourceMapper.spec(view.snapshot()),
                                    tenant);
                        return readable || usable ? view.snapshot() : null;
                      })
                  .toCompletableFuture());
        }
      } catch (IllegalArgumentException e) {
        // malformed references are reported by the validator
      }
    }
    return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              Map<String, ResourceSnapshot> found = new HashMap<>();
              futures.forEach(
                  (text, f) -> {
                    ResourceSnapshot snapshot = f.join();
                    if (snapshot == null) {
                      snapshot = a.pending.get(text);
                    }
                    if (snapshot != null) {
                      found.put(text, snapshot);
                    }
                  });
              return found;
            });
  }

  /** The referenced resources whose content a rule needs: WasmExtensions. */
  private static Map<String, ResourceSnapshot> withContent(Map<String, ResourceSnapshot> found) {
    var out = new HashMap<String, ResourceSnapshot>();
    found.forEach(
        (fqn, snapshot) -> {
          if (Kind.WASM_EXTENSION.kindName().equals(snapshot.kind())) {
            out.put(fqn, snapshot);
          }
        });
    return out;
  }

  /**
   * Every refused document is audited, dry runs included (their rows say "dry run"), so probing
   * with dry runs leaves a trace.
   */
  private List<ApplyOutcomeView> recordRefusals(
      ApplyOutcomeView[] results, boolean dryRun, Caller caller) {
    for (var r : results) {
      if (r.problem() != null) {
        Problem p = r.problem();
        Problem recorded =
            dryRun
                ? new Problem(
                    p.code(),
                    "dry run: " + p.message(),
                    p.violations(),
                    p.fqn(),
                    p.currentVersion(),
                    p.children())
                : p;
        refusals.refused(caller, r.operation().name(), r.kind(), r.fqn(), recorded);
      }
    }
    return List.of(results);
  }

  private static boolean hasFailure(ApplyOutcomeView[] results) {
    for (var r : results) {
      if (r != null && r.problem() != null) {
        return true;
      }
    }
    return false;
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

  private static ApplyOutcomeView skipped(int index, Resource r) {
    return new ApplyOutcomeView(
        index,
        r.getKind(),
        fqnOrEmpty(r),
        null,
        0,
        null,
        List.of(),
        true,
        WriteOperation.APPLY,
        null);
  }

  private static ApplyOutcomeView refused(
      int index, Resource r, String fqn, Problem problem, WriteOperation operation) {
    return new ApplyOutcomeView(
        index,
        r.getKind(),
        fqn,
        ResourceEntity.Outcome.REFUSED,
        0,
        problem,
        List.of(),
        false,
        operation,
        null);
  }
}
