package dev.trestle.gitops;

/** Username and password (or token) of a repository, from server configuration only. */
public record GitCredential(String username, String password) {
  /** Never shows the password: records print their fields, and this one may reach a log. */
  @Override
  public String toString() {
    return "GitCredential[username=" + username + ", password=***]";
  }
}
