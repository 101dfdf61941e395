package dev.trestle.management;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads of the resource tree: one resource, or a page of a parent's children (optionally the whole
 * subtree, filtered by kind and labels, sorted by FQN), each showing only what the caller may READ.
 * Listing walks the tree from the parent's children list; page tokens carry the last FQN returned.
 */
public final class ResourceQueries {
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  private final ResourceAsks asks;
  private final Guard guard;
  private final RefusalLog refusals;

  /** One page of a listing; {@code nextPageToken} is empty on the last page. */
  public record Page(List<ResourceEntity.View> items, String nextPageToken) {}

  ResourceQueries(ResourceAsks asks, Guard guard, RefusalLog refusals) {
    this.asks = asks;
    this.guard = guard;
    this.refusals = refusals;
  }

  /**
   * The resource if the caller may READ it; denied whether or not it exists (no existence leak).
   */
  CompletionStage<ResourceEntity.View> get(String fqnText, Caller caller) {
    Fqn fqn;
    try {
      fqn = parseFqn("fqn", fqnText);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    return guard
        .require(caller.principal(), Perm.READ, fqn)
        .whenComplete(refusals.whenDenied(caller, "GET", fqn.toString()))
        .thenCompose(x -> get(fqnText));
  }

  /** The resource without a permission check (callers have checked); NOT_FOUND if absent. */
  CompletionStage<ResourceEntity.View> get(String fqnText) {
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
    return asks.view(fqn)
        .thenApply(
            v -> {
              if (!v.exists()) {
                throw new ProblemException(
                    Problem.of(Problem.Code.NOT_FOUND, fqn.toString(), fqn + " does not exist"));
              }
              return v;
            });
  }

  /**
   * The FQNs registered as children of {@code parent} (the root: the organizations), without a
   * permission check or asking the children: a registration may belong to a create still in flight
   * (or one that never completed), so callers check what they show.
   */
  CompletionStage<List<String>> registeredChildren(Fqn parent) {
    return asks.view(parent)
        .thenApply(v -> v.exists() || parent.isRoot() ? v.children() : List.of());
  }

  /** Whether each FQN is an existing resource, without a permission check. */
  CompletionStage<List<Boolean>> exist(List<String> fqns) {
    var views = fqns.stream().map(f -> asks.view(Fqn.parse(f)).toCompletableFuture()).toList();
    return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
        .thenApply(x -> views.stream().map(v -> v.join().exists()).toList());
  }

  CompletionStage<Page> list(
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
            ? asks.view(parent)
            : readsParent.thenCompose(
                mayRead ->
                    mayRead
                        ? get(parent.toString())
                        : asks.view(parent)); // unreadable parents list only what is readable below
    return start
        .thenCompose(p -> collect(p.children(), kind, recursive, new ArrayList<>()))
        .thenCompose(
            found ->
                readsParent.thenCompose(
                    all ->
                        all ? CompletableFuture.completedFuture(found) : readable(found, caller)))
        .thenApply(
            found -> {
              if (found.isEmpty() && !parent.isRoot()) {
                auditUnreadableParent(parent, readsParent, caller);
              }
              return found;
            })
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

  /**
   * A list under a parent the caller may not READ that found nothing readable is a denied read; a
   * list that shows something, or of the root, is not.
   */
  private void auditUnreadableParent(
      Fqn parent, CompletionStage<Boolean> readsParent, Caller caller) {
    readsParent.thenAccept(
        mayRead -> {
          if (!mayRead) {
            refusals.deniedRead(
                caller,
                "LIST",
                parent.toString(),
                Guard.denied(caller.principal(), Perm.READ, parent));
          }
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
    var futures =
        children.stream().map(c -> asks.view(Fqn.parse(c)).toCompletableFuture()).toList();
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

  static Fqn parseFqn(String field, String text) {
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
