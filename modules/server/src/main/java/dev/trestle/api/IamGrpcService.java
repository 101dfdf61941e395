package dev.trestle.api;

import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.TokenLifetime;
import dev.trestle.iam.Binding;
import dev.trestle.iam.IamOperations;
import dev.trestle.iam.PolicyEntity;
import dev.trestle.iam.PrincipalEntity;
import dev.trestle.iam.RoleEntity;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.AccessBindings;
import dev.trestle.protocol.v1.CheckAccessRequest;
import dev.trestle.protocol.v1.CheckAccessResponse;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GetPrincipalRequest;
import dev.trestle.protocol.v1.GetRoleRequest;
import dev.trestle.protocol.v1.IamServicePowerApi;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.IssueTokenResponse;
import dev.trestle.protocol.v1.OidcIdentity;
import dev.trestle.protocol.v1.Permission;
import dev.trestle.protocol.v1.Principal;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.Role;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SetRoleRequest;
import dev.trestle.protocol.v1.TokenInfo;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.protocol.v1.WhoAmIResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of identity and access management. Token secrets never reach the log. */
public final class IamGrpcService implements IamServicePowerApi {
  private final IamOperations iam;
  private final CallContext callers;

  public IamGrpcService(IamOperations iam, CallContext callers) {
    this.iam = iam;
    this.callers = callers;
  }

  @Override
  public CompletionStage<WhoAmIResponse> whoAmI(WhoAmIRequest in, Metadata metadata) {
    return ManagementGrpcService.handleAuthenticated(
        callers,
        metadata,
        "WhoAmI",
        "",
        a -> {
          var me =
              WhoAmIResponse.newBuilder()
                  .setPrincipal(a.caller().principal())
                  .setAuthenticatedBy(a.identity().method());
          if (!a.identity().issuer().isEmpty()) {
            me.setOidc(
                OidcIdentity.newBuilder()
                    .setIssuer(a.identity().issuer())
                    .setSubject(a.identity().subject())
                    .addAllGroups(a.identity().groups()));
          }
          return CompletableFuture.completedFuture(me.build());
        },
        r -> r.getPrincipal() + " by " + r.getAuthenticatedBy());
  }

  @Override
  public CompletionStage<CheckAccessResponse> checkAccess(
      CheckAccessRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "CheckAccess",
        in.getFqn(),
        caller -> {
          Fqn target;
          try {
            target = Fqn.parse(in.getFqn());
          } catch (IllegalArgumentException e) {
            return invalid("fqn", e.getMessage());
          }
          String subject = in.getPrincipal().isEmpty() ? caller.principal() : in.getPrincipal();
          return iam.checkAccess(caller, subject, target)
              .thenApply(
                  perms -> {
                    var out =
                        CheckAccessResponse.newBuilder()
                            .setFqn(target.toString())
                            .setPrincipal(subject);
                    perms.forEach(p -> out.addPermissions(toProto(p)));
                    return out.build();
                  });
        },
        r -> r.getPermissionsList().toString());
  }

  @Override
  public CompletionStage<Principal> createPrincipal(CreatePrincipalRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "CreatePrincipal",
        in.getName(),
        caller ->
            iam.createPrincipal(caller, in.getName(), in.getDisplayName())
                .thenApply(s -> principal(in.getName(), s)),
        r -> "version " + r.getVersion());
  }

  @Override
  public CompletionStage<Principal> getPrincipal(GetPrincipalRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "GetPrincipal",
        in.getName(),
        caller -> iam.getPrincipal(caller, in.getName()).thenApply(s -> principal(in.getName(), s)),
        r -> "version " + r.getVersion());
  }

  @Override
  public CompletionStage<IssueTokenResponse> issueToken(IssueTokenRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "IssueToken",
        in.getPrincipal(),
        caller ->
            iam.issueToken(
                    caller,
                    in.getPrincipal(),
                    in.getDescription(),
                    TokenLifetime.of(in.hasTtl(), in.getTtl().getSeconds(), in.getTtl().getNanos()))
                .thenApply(
                    issued -> {
                      var b =
                          IssueTokenResponse.newBuilder()
                              .setTokenId(issued.minted().tokenId())
                              .setToken(issued.minted().text());
                      if (issued.expiresAt() != null) {
                        b.setExpireTime(AuditViews.timestamp(issued.expiresAt()));
                      }
                      return b.build();
                    }),
        r -> "token " + r.getTokenId());
  }

  @Override
  public CompletionStage<Principal> revokeToken(RevokeTokenRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "RevokeToken",
        in.getPrincipal() + " " + in.getTokenId(),
        caller ->
            iam.revokeToken(caller, in.getPrincipal(), in.getTokenId())
                .thenApply(s -> principal(in.getPrincipal(), s)),
        r -> "version " + r.getVersion());
  }

  @Override
  public CompletionStage<Role> setRole(SetRoleRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "SetRole",
        in.getRole().getName(),
        caller -> {
          var perms = new ArrayList<Perm>();
          for (Permission p : in.getRole().getPermissionsList()) {
            if (p == Permission.PERMISSION_UNSPECIFIED || p == Permission.UNRECOGNIZED) {
              return invalid("role.permissions", "unknown permission " + p);
            }
            perms.add(fromProto(p));
          }
          return iam.setRole(caller, in.getRole().getName(), perms, in.getRole().getKindsList())
              .thenApply(s -> role(in.getRole().getName(), s, false));
        },
        r -> "version " + r.getVersion());
  }

  @Override
  public CompletionStage<Role> getRole(GetRoleRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "GetRole",
        in.getName(),
        caller -> iam.getRole(in.getName()).thenApply(s -> role(in.getName(), s, s.version() == 0)),
        r -> "version " + r.getVersion());
  }

  @Override
  public CompletionStage<AccessBindings> getAccessBindings(
      GetAccessBindingsRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "GetAccessBindings",
        in.getTarget(),
        caller ->
            iam.getBindings(caller, in.getTarget()).thenApply(s -> bindings(in.getTarget(), s)),
        r -> "version " + r.getVersion());
  }

  @Override
  public CompletionStage<AccessBindings> setAccessBindings(
      SetAccessBindingsRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "SetAccessBindings",
        in.getTarget(),
        caller -> {
          List<Binding> bindings =
              in.getBindingsList().stream()
                  .map(b -> new Binding(b.getRole(), b.getSubjectsList()))
                  .toList();
          return iam.setBindings(caller, in.getTarget(), bindings, in.getVersion())
              .thenApply(s -> bindings(in.getTarget(), s));
        },
        r -> "version " + r.getVersion());
  }

  private static Principal principal(String name, PrincipalEntity.State s) {
    var b =
        Principal.newBuilder()
            .setName(name)
            .setDisplayName(s.displayName())
            .setDisabled(s.disabled())
            .setVersion(s.version())
            .setCreatedBy(s.createdBy());
    if (s.createTime() != null) {
      b.setCreateTime(AuditViews.timestamp(s.createTime()));
    }
    s.tokens()
        .forEach(
            (id, t) -> {
              var info =
                  TokenInfo.newBuilder()
                      .setId(id)
                      .setIssueTime(AuditViews.timestamp(t.issuedAt()))
                      .setIssuedBy(t.issuedBy())
                      .setRevoked(t.revoked())
                      .setDescription(t.description());
              if (t.expiresAt() != null) {
                info.setExpireTime(AuditViews.timestamp(t.expiresAt()));
              }
              if (t.lastUsedAt() != null) {
                info.setLastUseTime(AuditViews.timestamp(t.lastUsedAt()));
              }
              b.addTokens(info);
            });
    return b.build();
  }

  private static Role role(String name, RoleEntity.State s, boolean builtIn) {
    var b =
        Role.newBuilder()
            .setName(name)
            .addAllKinds(s.kinds())
            .setVersion(s.version())
            .setBuiltIn(builtIn);
    s.permissions().forEach(p -> b.addPermissions(toProto(p)));
    return b.build();
  }

  private static AccessBindings bindings(String target, PolicyEntity.State s) {
    var b =
        AccessBindings.newBuilder()
            .setTarget(target)
            .setVersion(s.version())
            .setUpdatedBy(s.updatedBy());
    if (s.updateTime() != null) {
      b.setUpdateTime(AuditViews.timestamp(s.updateTime()));
    }
    s.bindings()
        .forEach(
            x ->
                b.addBindings(
                    dev.trestle.protocol.v1.Binding.newBuilder()
                        .setRole(x.role())
                        .addAllSubjects(x.subjects())));
    return b.build();
  }

  static Permission toProto(Perm p) {
    return Permission.valueOf("PERMISSION_" + p.name());
  }

  static Perm fromProto(Permission p) {
    return Perm.valueOf(p.name().substring("PERMISSION_".length()));
  }

  private static <T> CompletionStage<T> invalid(String field, String description) {
    return CompletableFuture.failedFuture(
        new ProblemException(Problem.invalidField(field, description)));
  }
}
