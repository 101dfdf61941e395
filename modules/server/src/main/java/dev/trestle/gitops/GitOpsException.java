package dev.trestle.gitops;

/** A sync that cannot run as a whole (fetch, ref, unreadable document); the message says why. */
final class GitOpsException extends RuntimeException {
  GitOpsException(String message) {
    super(message);
  }
}
