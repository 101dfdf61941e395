package dev.trestle.iam;

import java.util.List;

/**
 * An authenticated caller: "users/alice", and how they proved it ({@link #TOKEN}, {@link #OIDC},
 * {@link #INSECURE_DEV}). For OIDC also the token's issuer, subject and groups; empty otherwise.
 */
public record Identity(
    String principal, String method, String issuer, String subject, List<String> groups) {
  public static final String TOKEN = "token";
  public static final String OIDC = "oidc";
  public static final String INSECURE_DEV = "insecure-dev";

  public Identity {
    groups = List.copyOf(groups);
  }

  /** Authenticated without an external issuer (a Trestle token, or insecure-dev). */
  public Identity(String principal, String method) {
    this(principal, method, "", "", List.of());
  }

  public boolean insecure() {
    return INSECURE_DEV.equals(method);
  }
}
