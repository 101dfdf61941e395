package dev.trestle.api;

import dev.trestle.core.Caller;
import dev.trestle.iam.AccessControl;
import dev.trestle.iam.Identity;
import dev.trestle.iam.Principals;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Resolves who is calling from request headers: the bearer token in {@code authorization}; in
 * insecure-dev mode the self-declared {@code x-trestle-user} (default users/dev). The request id is
 * {@code x-request-id} when well-formed, else generated.
 */
public final class CallContext {
  static final String AUTHORIZATION_HEADER = "authorization";
  static final String USER_HEADER = "x-trestle-user";
  static final String REQUEST_ID_HEADER = "x-request-id";
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final AccessControl access;

  public CallContext(AccessControl access) {
    this.access = access;
  }

  static String requestId(Optional<String> requestId) {
    return requestId
        .filter(r -> SAFE_ID.matcher(r).matches())
        .orElseGet(() -> UUID.randomUUID().toString());
  }

  /** Before authentication: for logging a refused call. */
  static Caller unauthenticated(Optional<String> requestId) {
    return new Caller("unauthenticated", requestId(requestId));
  }

  /** A resolved caller and how it authenticated. */
  record Authenticated(Caller caller, Identity identity) {}

  CompletionStage<Caller> resolve(
      Optional<String> authorization, Optional<String> user, Optional<String> requestId) {
    return authenticate(authorization, user, requestId).thenApply(Authenticated::caller);
  }

  CompletionStage<Authenticated> authenticate(
      Optional<String> authorization, Optional<String> user, Optional<String> requestId) {
    String id = requestId(requestId);
    return access
        .authenticate(authorization)
        .thenApply(
            identity -> {
              if (identity.insecure()) {
                return new Authenticated(
                    new Caller(user.filter(Principals::isValid).orElse(identity.principal()), id),
                    identity);
              }
              return new Authenticated(new Caller(identity.principal(), id), identity);
            });
  }
}
