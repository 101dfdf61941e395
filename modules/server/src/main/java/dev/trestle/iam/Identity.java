package dev.trestle.iam;

/** An authenticated caller: "users/alice", and how they proved it. */
public record Identity(String principal, String method) {
  public static final String INSECURE_DEV = "insecure-dev";

  public boolean insecure() {
    return INSECURE_DEV.equals(method);
  }
}
