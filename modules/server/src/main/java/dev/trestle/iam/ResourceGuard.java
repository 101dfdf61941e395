package dev.trestle.iam;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.concurrent.CompletionStage;

/** The resource service's guard backed by bindings and roles. */
public final class ResourceGuard implements Guard {
  private final AccessControl access;
  private final IamOperations iam;

  public ResourceGuard(AccessControl access, IamOperations iam) {
    this.access = access;
    this.iam = iam;
  }

  @Override
  public CompletionStage<Boolean> allowed(String principal, Perm perm, Fqn target) {
    return access.allowed(principal, perm, target);
  }

  @Override
  public CompletionStage<Boolean> allowedOnAllBelow(
      String principal, Perm perm, Fqn ancestor, Kind kind) {
    return access.permissionsInherited(principal, ancestor, kind).thenApply(p -> p.contains(perm));
  }

  @Override
  public CompletionStage<Void> created(Caller caller, String fqn) {
    return iam.grantCreator(caller, fqn);
  }
}
