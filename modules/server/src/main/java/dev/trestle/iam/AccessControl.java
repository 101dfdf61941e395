package dev.trestle.iam;

import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.iam.oidc.GroupMemberships;
import dev.trestle.iam.oidc.OidcVerifier;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Authentication (bearer tokens) and authorization (bindings inherited down the FQN tree, default
 * deny). In insecure-dev mode every caller is the admin "users/dev".
 */
public final class AccessControl {
  public static final String DEV_PRINCIPAL = "users/dev";

  /**
   * Runs a continuation on the thread that completed the ask. Pekko's asks complete Scala-backed
   * futures whose plain {@code thenApply} always goes through CompletableFuture's default async
   * executor, which on a machine with fewer than three cores (common-pool parallelism below 2)
   * starts a new thread per continuation. The continuations here are a few field reads, so they run
   * directly.
   */
  static final Executor DIRECT = Runnable::run;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final boolean insecureDev;
  private final Optional<OidcVerifier> oidc;
  private final Executor oidcExecutor;
  private final GroupMemberships groups;
  private final IamCache cache;

  public AccessControl(ActorSystem<?> system, Duration askTimeout, boolean insecureDev) {
    this(system, askTimeout, insecureDev, Optional.empty(), DIRECT);
  }

  /**
   * @param oidc checks tokens of the configured OpenID Connect issuer, when there is one
   * @param oidcExecutor where those checks run (they may fetch the issuer's keys over HTTP)
   */
  public AccessControl(
      ActorSystem<?> system,
      Duration askTimeout,
      boolean insecureDev,
      Optional<OidcVerifier> oidc,
      Executor oidcExecutor) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.insecureDev = insecureDev;
    this.oidc = oidc;
    this.oidcExecutor = oidcExecutor;
    this.groups = new GroupMemberships(Clock.systemUTC());
    this.cache = IamChanges.get(system).cache();
  }

  public boolean insecureDev() {
    return insecureDev;
  }

  /** Resolves the {@code authorization: Bearer ...} header; fails UNAUTHENTICATED. */
  public CompletionStage<Identity> authenticate(Optional<String> authorization) {
    if (insecureDev) {
      return CompletableFuture.completedFuture(new Identity(DEV_PRINCIPAL, Identity.INSECURE_DEV));
    }
    String header = authorization.orElse("").strip();
    if (header.isEmpty()) {
      return failed(
          Problem.Code.UNAUTHENTICATED,
          "authentication required: send 'authorization: Bearer <token>' (see trestle login)");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return failed(
          Problem.Code.UNAUTHENTICATED, "the authorization header must be 'Bearer <token>'");
    }
    String bearer = header.substring(7).strip();
    var presented = Tokens.parse(bearer);
    if (presented.isEmpty() && oidc.isPresent() && OidcVerifier.looksLikeJwt(bearer)) {
      return authenticateOidc(oidc.get(), bearer);
    }
    if (presented.isEmpty()) {
      return failed(Problem.Code.UNAUTHENTICATED, "the bearer token is malformed");
    }
    var p = presented.get();
    if (cache.verifiedSubject(p.subject(), p.tokenId(), p.secretSha256(), Instant.now()) != null) {
      return CompletableFuture.completedFuture(new Identity(p.subject(), Identity.TOKEN));
    }
    long epoch = cache.epoch();
    return sharding
        .entityRefFor(PrincipalEntity.TYPE_KEY, p.subject())
        .<PrincipalEntity.Reply>ask(
            r -> new PrincipalEntity.VerifyToken(p.tokenId(), p.secretSha256(), r), askTimeout)
        .thenApplyAsync(
            reply -> {
              if (reply.problem() != null) {
                // UNAUTHENTICATED, worded by the entity: invalid, or expired (and when).
                throw new ProblemException(reply.problem());
              }
              PrincipalEntity.Token token = reply.state().tokens().get(p.tokenId());
              cache.putVerified(
                  epoch,
                  p.subject(),
                  p.tokenId(),
                  p.secretSha256(),
                  token == null ? null : token.expiresAt());
              return new Identity(p.subject(), Identity.TOKEN);
            },
            DIRECT);
  }

  private CompletionStage<Identity> authenticateOidc(OidcVerifier verifier, String jwt) {
    return CompletableFuture.supplyAsync(
        () -> {
          OidcVerifier.Verified v = verifier.verify(jwt);
          groups.record(v.principal(), v.groups(), v.expiresAt());
          return new Identity(v.principal(), Identity.OIDC, v.issuer(), v.subject(), v.groups());
        },
        oidcExecutor);
  }

  /**
   * Every permission {@code principal} holds on {@code target}, through bindings on it or above
   * naming it or one of its groups ({@code group:NAME}, from its OIDC token).
   */
  public CompletionStage<Set<Perm>> permissions(String principal, Fqn target) {
    return permissionsInherited(principal, target, target.kind().orElse(null));
  }

  /**
   * The permissions {@code principal} holds on a resource of {@code kind} (null: any) through the
   * bindings on {@code target} and above it: on {@code target} itself when {@code kind} is its
   * kind, and the part every {@code kind} resource below {@code target} inherits otherwise.
   */
  public CompletionStage<Set<Perm>> permissionsInherited(String principal, Fqn target, Kind kind) {
    if (insecureDev) {
      return CompletableFuture.completedFuture(EnumSet.allOf(Perm.class));
    }
    var levels = new ArrayList<Fqn>();
    for (Fqn f = target; ; f = f.parent()) {
      levels.add(f);
      if (f.isRoot()) {
        break;
      }
    }
    List<CompletableFuture<PolicyEntity.Reply>> lookups =
        levels.stream().map(f -> bindings(f.toString()).toCompletableFuture()).toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
        .thenCompose(
            ignored -> {
              var roles = new ArrayList<String>();
              List<String> memberOf = groups.subjectsOf(principal);
              for (var l : lookups) {
                for (Binding b : l.join().state().bindings()) {
                  if (b.subjects().contains(principal)
                      || b.subjects().stream().anyMatch(memberOf::contains)) {
                    roles.add(b.role());
                  }
                }
              }
              var grants =
                  roles.stream().map(r -> rolePermissions(r, kind).toCompletableFuture()).toList();
              return CompletableFuture.allOf(grants.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        Set<Perm> out = EnumSet.noneOf(Perm.class);
                        grants.forEach(g -> out.addAll(g.join()));
                        return out;
                      });
            });
  }

  /**
   * The binding subjects that grant {@code principal} anything: itself, then the groups its OIDC
   * token named ({@code group:NAME}).
   */
  public List<String> bindingSubjects(String principal) {
    var out = new ArrayList<String>();
    out.add(principal);
    out.addAll(groups.subjectsOf(principal));
    return out;
  }

  /** Fails PERMISSION_DENIED naming who, what and where. */
  public CompletionStage<Void> require(String principal, Perm perm, Fqn target) {
    return permissions(principal, target)
        .thenApply(
            perms -> {
              if (!perms.contains(perm)) {
                throw new ProblemException(Guard.denied(principal, perm, target));
              }
              return null;
            });
  }

  public CompletionStage<Boolean> allowed(String principal, Perm perm, Fqn target) {
    return permissions(principal, target).thenApply(p -> p.contains(perm));
  }

  CompletionStage<Set<Perm>> rolePermissions(String role, Kind kind) {
    var builtIn = BuiltInRoles.permissions(role);
    if (builtIn.isPresent()) {
      return CompletableFuture.completedFuture(builtIn.get());
    }
    return sharding
        .entityRefFor(RoleEntity.TYPE_KEY, role)
        .<RoleEntity.State>ask(RoleEntity.GetRole::new, askTimeout)
        .thenApplyAsync(
            s -> {
              if (!s.exists()
                  || (kind != null
                      && !s.kinds().isEmpty()
                      && !s.kinds().contains(kind.kindName()))) {
                return EnumSet.noneOf(Perm.class);
              }
              return s.permissions().isEmpty()
                  ? EnumSet.noneOf(Perm.class)
                  : EnumSet.copyOf(s.permissions());
            },
            DIRECT);
  }

  /** The bindings on {@code target}, from this node's {@link IamCache} while it has them. */
  CompletionStage<PolicyEntity.Reply> bindings(String target) {
    PolicyEntity.State cached = cache.bindings(target);
    if (cached != null) {
      return CompletableFuture.completedFuture(new PolicyEntity.Reply(cached, null));
    }
    long epoch = cache.epoch();
    return sharding
        .entityRefFor(PolicyEntity.TYPE_KEY, PolicyEntity.entityId(target))
        .<PolicyEntity.Reply>ask(PolicyEntity.GetBindings::new, askTimeout)
        .thenApplyAsync(
            reply -> {
              cache.putBindings(epoch, target, reply.state());
              return reply;
            },
            DIRECT);
  }

  /** This node forgets what it cached about {@code principal}'s tokens (it just changed them). */
  void tokensChanged(String principal) {
    cache.tokensChanged(principal);
  }

  /** This node forgets the cached bindings on {@code target} (it just changed them). */
  void bindingsChanged(String target) {
    cache.bindingsChanged(target);
  }

  private static <T> CompletionStage<T> failed(Problem.Code code, String message) {
    return CompletableFuture.failedFuture(new ProblemException(Problem.of(code, "", message)));
  }
}
