package dev.trestle.telemetry;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceQueries;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.NamespaceSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Builds a caller's {@link Visibility} for a scope: READ on the organization shows all of it;
 * otherwise the namespaces of the workspaces the caller may READ (their {@code namespaceSelectors},
 * the same selectors that place config in clusters). A tenant or workspace scope narrows the query
 * to the namespaces of its workspaces. An empty scope means every organization the caller can see
 * into.
 */
final class VisibilityResolver {
  private final ResourceService resources;
  private final Guard guard;

  VisibilityResolver(ResourceService resources, Guard guard) {
    this.resources = resources;
    this.guard = guard;
  }

  CompletionStage<Visibility> resolve(String scopeText, Caller caller) {
    Fqn scope;
    try {
      scope = scopeText.isBlank() ? Fqn.ROOT : Fqn.parse(scopeText.strip());
    } catch (IllegalArgumentException e) {
      return invalid("'" + scopeText + "' is not a scope: " + e.getMessage());
    }
    Optional<Kind> kind = scope.kind();
    if (kind.isPresent()
        && kind.get() != Kind.ORGANIZATION
        && kind.get() != Kind.TENANT
        && kind.get() != Kind.WORKSPACE) {
      return invalid(
          "scope must be an organization, tenant or workspace (or empty for all), not a "
              + kind.get().kindName());
    }
    if (scope.isRoot()) {
      return workspacesOrOrgs(Fqn.ROOT, "Organization", false, caller)
          .thenCompose(
              orgs -> {
                List<CompletableFuture<Map.Entry<String, Visibility.Org>>> each = new ArrayList<>();
                for (ResourceEntity.View org : orgs) {
                  Fqn fqn = Fqn.parse(org.snapshot().fqn());
                  each.add(org(fqn, fqn, caller).toCompletableFuture());
                }
                return all(each);
              });
    }
    Fqn org = scope.segments().size() == 1 ? scope : new Fqn(scope.segments().subList(0, 1));
    return org(org, scope, caller).thenApply(e -> new Visibility(Map.of(e.getKey(), e.getValue())));
  }

  private CompletionStage<Map.Entry<String, Visibility.Org>> org(
      Fqn org, Fqn scope, Caller caller) {
    boolean wholeOrg = scope.equals(org);
    return guard
        .allowed(caller.principal(), Perm.READ, org)
        .thenCompose(
            readsOrg ->
                workspacesOrOrgs(org, "Workspace", true, caller)
                    .thenApply(
                        workspaces -> {
                          var visible = new ArrayList<NamespaceSelector>();
                          var scoped = new ArrayList<NamespaceSelector>();
                          for (ResourceEntity.View ws : workspaces) {
                            var selectors = selectors(ws);
                            visible.addAll(selectors);
                            if (scope.contains(Fqn.parse(ws.snapshot().fqn()))) {
                              scoped.addAll(selectors);
                            }
                          }
                          return Map.entry(
                              org.name(), new Visibility.Org(readsOrg, visible, scoped, wholeOrg));
                        }));
  }

  private static List<NamespaceSelector> selectors(ResourceEntity.View ws) {
    return ResourceMapper.toResource(ws).getWorkspace().getNamespaceSelectorsList().stream()
        .map(NamespaceSelector::parse)
        .flatMap(Optional::stream)
        .toList();
  }

  /** Every readable resource of {@code kind} under {@code parent}, all pages. */
  private CompletionStage<List<ResourceEntity.View>> workspacesOrOrgs(
      Fqn parent, String kind, boolean recursive, Caller caller) {
    return page(parent, kind, recursive, "", caller, new ArrayList<>());
  }

  private CompletionStage<List<ResourceEntity.View>> page(
      Fqn parent,
      String kind,
      boolean recursive,
      String token,
      Caller caller,
      List<ResourceEntity.View> acc) {
    return resources
        .list(parent.toString(), kind, recursive, "", ResourceQueries.MAX_PAGE_SIZE, token, caller)
        .thenCompose(
            p -> {
              acc.addAll(p.items());
              return p.nextPageToken().isEmpty()
                  ? CompletableFuture.completedFuture(acc)
                  : page(parent, kind, recursive, p.nextPageToken(), caller, acc);
            });
  }

  private static CompletionStage<Visibility> all(
      List<CompletableFuture<Map.Entry<String, Visibility.Org>>> each) {
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              Map<String, Visibility.Org> out = new HashMap<>();
              each.forEach(f -> out.put(f.join().getKey(), f.join().getValue()));
              return new Visibility(out);
            });
  }

  private static <T> CompletionStage<T> invalid(String message) {
    return CompletableFuture.failedFuture(
        new ProblemException(Problem.invalidField("scope", message)));
  }
}
