package dev.trestle.api;

import dev.trestle.management.ResourceService.Caller;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who is calling and the request id. Until authentication exists (see docs/api.md), the
 * principal is the self-declared {@code x-trestle-user} header, "anonymous" without it.
 */
final class CallContext {
  static final String USER_HEADER = "x-trestle-user";
  static final String REQUEST_ID_HEADER = "x-request-id";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._@:/-]{1,128}");

  private CallContext() {}

  static Caller caller(Optional<String> user, Optional<String> requestId) {
    String principal = user.filter(u -> SAFE.matcher(u).matches()).orElse("anonymous");
    String id =
        requestId.filter(r -> SAFE.matcher(r).matches()).orElseGet(() -> UUID.randomUUID().toString());
    return new Caller(principal, id);
  }
}
