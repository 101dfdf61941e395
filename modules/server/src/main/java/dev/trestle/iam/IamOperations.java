package dev.trestle.iam;

import dev.trestle.core.Caller;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.core.TokenKind;
import dev.trestle.core.TokenLifetime;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * Principals, tokens, roles and bindings, each guarded: managing principals and roles needs
 * SET_POLICY at the root; bindings need SET_POLICY on their target and may grant nothing the caller
 * does not hold there (no escalation).
 */
public final class IamOperations {
  private final ClusterSharding sharding;
  private final AccessControl access;
  private final Duration askTimeout;
  private final RefusalLog refusals;

  /**
   * @param refusals where denied reads (of principals, bindings, others' permissions) are recorded
   */
  public IamOperations(
      ActorSystem<?> system, AccessControl access, Duration askTimeout, RefusalLog refusals) {
    this.sharding = ClusterSharding.get(system);
    this.access = access;
    this.askTimeout = askTimeout;
    this.refusals = refusals;
  }

  public static void initSharding(ActorSystem<?> system) {
    var sharding = ClusterSharding.get(system);
    var changes = IamChanges.get(system);
    sharding.init(
        Entity.of(
            PrincipalEntity.TYPE_KEY,
            ctx -> PrincipalEntity.create(ctx.getEntityId(), Clock.systemUTC(), changes::changed)));
    sharding.init(
        Entity.of(
            PolicyEntity.TYPE_KEY,
            ctx -> PolicyEntity.create(ctx.getEntityId(), changes::changed)));
    sharding.init(Entity.of(RoleEntity.TYPE_KEY, ctx -> RoleEntity.create(ctx.getEntityId())));
  }

  public CompletionStage<PrincipalEntity.State> createPrincipal(
      Caller caller, String name, String displayName) {
    return requireValidPrincipal(name)
        .thenCompose(x -> access.require(caller.principal(), Perm.SET_POLICY, Fqn.ROOT))
        .thenCompose(
            x ->
                principal(name)
                    .<PrincipalEntity.Reply>ask(
                        r ->
                            new PrincipalEntity.CreatePrincipal(
                                displayName, caller.principal(), caller.requestId(), r),
                        askTimeout))
        .thenApply(IamOperations::orThrow);
  }

  /** Principals may read themselves; others need SET_POLICY at the root. */
  public CompletionStage<PrincipalEntity.State> getPrincipal(Caller caller, String name) {
    return requireValidPrincipal(name)
        .thenCompose(
            x ->
                requireSelfOrPolicyAdmin(caller, name)
                    .whenComplete(refusals.whenDenied(caller, "GET_PRINCIPAL " + name, "")))
        .thenCompose(
            x ->
                principal(name)
                    .<PrincipalEntity.Reply>ask(PrincipalEntity.GetPrincipal::new, askTimeout))
        .thenApply(
            reply -> {
              if (!reply.state().exists()) {
                throw new ProblemException(
                    Problem.of(Problem.Code.NOT_FOUND, name, name + " does not exist"));
              }
              return reply.state();
            });
  }

  /** The rule for a principal's own record and tokens: itself, or SET_POLICY at the root. */
  private CompletionStage<Void> requireSelfOrPolicyAdmin(Caller caller, String name) {
    return name.equals(caller.principal())
        ? CompletableFuture.completedFuture(null)
        : access.require(caller.principal(), Perm.SET_POLICY, Fqn.ROOT);
  }

  /** A minted token (text shown once) and when it expires (null: never). */
  public record IssuedToken(TokenKind.Minted minted, Instant expiresAt) {}

  /**
   * Mints a token; the text is returned once and never stored.
   *
   * @param ttl how long it is valid; null = until revoked
   */
  public CompletionStage<IssuedToken> issueToken(
      Caller caller, String name, String description, Duration ttl) {
    var badTtl = TokenLifetime.check(ttl);
    if (badTtl.isPresent()) {
      return CompletableFuture.failedFuture(new ProblemException(badTtl.get()));
    }
    TokenKind.Minted minted = Tokens.mint(name);
    return requireValidPrincipal(name)
        .thenCompose(x -> access.require(caller.principal(), Perm.SET_POLICY, Fqn.ROOT))
        .thenCompose(
            x ->
                principal(name)
                    .<PrincipalEntity.Reply>ask(
                        r ->
                            new PrincipalEntity.IssueToken(
                                minted.tokenId(),
                                minted.secretSha256(),
                                description,
                                ttl,
                                caller.principal(),
                                caller.requestId(),
                                r),
                        askTimeout))
        .thenApply(
            reply -> {
              var token = orThrow(reply).tokens().get(minted.tokenId());
              return new IssuedToken(minted, token == null ? null : token.expiresAt());
            });
  }

  /** Principals may revoke their own tokens; others need SET_POLICY at the root. */
  public CompletionStage<PrincipalEntity.State> revokeToken(
      Caller caller, String name, String tokenId) {
    return requireValidPrincipal(name)
        .thenCompose(x -> requireSelfOrPolicyAdmin(caller, name))
        .thenCompose(
            x ->
                principal(name)
                    .<PrincipalEntity.Reply>ask(
                        r ->
                            new PrincipalEntity.RevokeToken(
                                tokenId, caller.principal(), caller.requestId(), r),
                        askTimeout))
        .thenApply(
            reply -> {
              // The entity may live on another node: forget here before answering.
              access.tokensChanged(name);
              return orThrow(reply);
            });
  }

  public CompletionStage<RoleEntity.State> setRole(
      Caller caller, String name, List<Perm> perms, List<String> kinds) {
    if (BuiltInRoles.permissions(name).isPresent()) {
      return invalid("role.name", "'" + name + "' is a built-in role and cannot be changed");
    }
    if (name == null || !name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      return invalid("role.name", "'" + name + "' is not a DNS-1123 label");
    }
    if (perms.isEmpty()) {
      return invalid("role.permissions", "at least one permission is required");
    }
    var kindNames = new ArrayList<String>();
    for (int i = 0; i < kinds.size(); i++) {
      String typed = kinds.get(i);
      var kind = Kind.lookup(typed);
      if (kind.isEmpty()) {
        return invalid(
            "role.kinds[" + i + "]",
            "unknown kind '" + typed + "'; one of " + Kind.acceptedNames());
      }
      kindNames.add(kind.get().kindName());
    }
    return access
        .require(caller.principal(), Perm.SET_POLICY, Fqn.ROOT)
        .thenCompose(
            x ->
                sharding
                    .entityRefFor(RoleEntity.TYPE_KEY, name)
                    .<RoleEntity.State>ask(
                        r ->
                            new RoleEntity.SetRole(
                                List.copyOf(EnumSet.copyOf(perms)),
                                kindNames.stream().sorted().distinct().toList(),
                                caller.principal(),
                                caller.requestId(),
                                r),
                        askTimeout));
  }

  public CompletionStage<RoleEntity.State> getRole(String name) {
    var builtIn = BuiltInRoles.permissions(name);
    if (builtIn.isPresent()) {
      return CompletableFuture.completedFuture(
          new RoleEntity.State(true, List.copyOf(builtIn.get()), List.of(), 0));
    }
    return sharding
        .entityRefFor(RoleEntity.TYPE_KEY, name)
        .<RoleEntity.State>ask(RoleEntity.GetRole::new, askTimeout)
        .thenApply(
            s -> {
              if (!s.exists()) {
                throw new ProblemException(
                    Problem.of(Problem.Code.NOT_FOUND, name, "role " + name + " does not exist"));
              }
              return s;
            });
  }

  public CompletionStage<PolicyEntity.State> getBindings(Caller caller, String targetText) {
    Fqn target;
    try {
      target = Fqn.parse(targetText);
    } catch (IllegalArgumentException e) {
      return invalid("target", e.getMessage());
    }
    return access
        .require(caller.principal(), Perm.READ, target)
        .whenComplete(refusals.whenDenied(caller, "GET_BINDINGS", target.toString()))
        .thenCompose(x -> access.bindings(target.toString()))
        .thenApply(PolicyEntity.Reply::state);
  }

  /**
   * What {@code subject} may do on {@code target}: the caller's own permissions, or another
   * principal's for a caller with SET_POLICY there.
   */
  public CompletionStage<Set<Perm>> checkAccess(Caller caller, String subject, Fqn target) {
    CompletionStage<Void> allowed =
        subject.equals(caller.principal())
            ? CompletableFuture.completedFuture(null)
            : access
                .require(caller.principal(), Perm.SET_POLICY, target)
                .whenComplete(
                    refusals.whenDenied(caller, "CHECK_ACCESS of " + subject, target.toString()));
    return allowed.thenCompose(x -> access.permissions(subject, target));
  }

  public CompletionStage<PolicyEntity.State> setBindings(
      Caller caller, String targetText, List<Binding> bindings, long expectedVersion) {
    Fqn target;
    try {
      target = Fqn.parse(targetText);
    } catch (IllegalArgumentException e) {
      return invalid("target", e.getMessage());
    }
    for (int i = 0; i < bindings.size(); i++) {
      Binding b = bindings.get(i);
      if (b.subjects().isEmpty()) {
        return invalid("bindings[" + i + "].subjects", "at least one subject is required");
      }
      for (int j = 0; j < b.subjects().size(); j++) {
        if (!Principals.isBindingSubject(b.subjects().get(j))) {
          return invalid(
              "bindings[" + i + "].subjects[" + j + "]",
              "'"
                  + b.subjects().get(j)
                  + "' is not users/NAME, serviceaccounts/NAME, group:NAME (an OIDC group) or an"
                  + " OIDC principal such as oidc:SUBJECT");
        }
      }
    }
    return access
        .permissions(caller.principal(), target)
        .thenCompose(
            held -> {
              if (!held.contains(Perm.SET_POLICY)) {
                throw new ProblemException(
                    Problem.of(
                        Problem.Code.PERMISSION_DENIED,
                        target.toString(),
                        "permission denied: "
                            + caller.principal()
                            + " may not SET_POLICY "
                            + describe(target)));
              }
              var checks = new ArrayList<CompletableFuture<Void>>();
              for (int i = 0; i < bindings.size(); i++) {
                String role = bindings.get(i).role();
                String field = "bindings[" + i + "].role";
                checks.add(
                    getRole(role)
                        .exceptionally(
                            e -> {
                              throw new ProblemException(
                                  Problem.invalid(
                                      target.toString(),
                                      List.of(
                                          new Problem.Violation(
                                              field, "role '" + role + "' does not exist"))));
                            })
                        .thenAccept(
                            r -> {
                              Set<Perm> granted =
                                  r.permissions().isEmpty()
                                      ? EnumSet.noneOf(Perm.class)
                                      : EnumSet.copyOf(r.permissions());
                              granted.removeAll(held);
                              if (!granted.isEmpty()) {
                                throw new ProblemException(
                                    Problem.of(
                                        Problem.Code.PERMISSION_DENIED,
                                        target.toString(),
                                        "permission denied: role '"
                                            + role
                                            + "' grants "
                                            + granted
                                            + ", which "
                                            + caller.principal()
                                            + " does not hold on "
                                            + describe(target)));
                              }
                            })
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
            })
        .thenCompose(
            x ->
                sharding
                    .entityRefFor(PolicyEntity.TYPE_KEY, PolicyEntity.entityId(target.toString()))
                    .<PolicyEntity.Reply>ask(
                        r ->
                            new PolicyEntity.SetBindings(
                                bindings,
                                expectedVersion,
                                caller.principal(),
                                caller.requestId(),
                                r),
                        askTimeout))
        .thenApply(
            reply -> {
              access.bindingsChanged(target.toString());
              if (reply.problem() != null) {
                throw new ProblemException(reply.problem());
              }
              return reply.state();
            });
  }

  /** Makes the creator of a resource its admin (system action; needs no permission). */
  public CompletionStage<Void> grantCreator(Caller caller, String fqn) {
    return sharding
        .entityRefFor(PolicyEntity.TYPE_KEY, PolicyEntity.entityId(fqn))
        .<PolicyEntity.Reply>ask(
            r ->
                new PolicyEntity.Grant(
                    "admin", caller.principal(), caller.principal(), caller.requestId(), r),
            askTimeout)
        .thenApply(
            r -> {
              access.bindingsChanged(fqn);
              return null;
            });
  }

  private static String describe(Fqn target) {
    return target.isRoot() ? "the root" : target.toString();
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<PrincipalEntity.Command>
      principal(String name) {
    return sharding.entityRefFor(PrincipalEntity.TYPE_KEY, name);
  }

  private static CompletionStage<Void> requireValidPrincipal(String name) {
    if (!Principals.isValid(name)) {
      return invalid(
          "principal",
          "'" + name + "' is not users/NAME or serviceaccounts/NAME (NAME a DNS-1123 label)");
    }
    return CompletableFuture.completedFuture(null);
  }

  private static PrincipalEntity.State orThrow(PrincipalEntity.Reply reply) {
    if (reply.problem() != null) {
      throw new ProblemException(reply.problem());
    }
    return reply.state();
  }

  private static <T> CompletionStage<T> invalid(String field, String description) {
    return CompletableFuture.failedFuture(
        new ProblemException(Problem.invalidField(field, description)));
  }
}
