package dev.trestle.api;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.ResourceDocuments;

/**
 * The one admission check of a write, shared by the gRPC and REST façades so both refuse the same
 * input with the same reason before any work is done: request size, documents per apply and the
 * per-principal write rate. Each check throws a {@link ProblemException}; a refused request changes
 * nothing.
 */
public final class Admission {
  /** The most documents one apply (gRPC {@code Apply}, REST {@code POST /apply}) may hold. */
  public static final int MAX_DOCUMENTS_PER_APPLY = 1000;

  /** The largest apply request: the serialized gRPC request or the REST body. */
  public static final int MAX_REQUEST_BYTES = ResourceDocuments.MAX_INPUT_BYTES;

  private final WriteLimiter limiter;

  public Admission(WriteLimiter limiter) {
    this.limiter = limiter;
  }

  /** No rate limit; the size and count limits still hold. */
  public static Admission unlimited() {
    return new Admission(WriteLimiter.unlimited());
  }

  /** A request of {@code bytes} (declared or serialized) may be read. */
  public void checkSize(long bytes) {
    if (bytes > MAX_REQUEST_BYTES) {
      throw new ProblemException(
          Problem.of(
              Problem.Code.TOO_LARGE,
              "",
              "the request is "
                  + bytes
                  + " bytes; the limit is "
                  + MAX_REQUEST_BYTES
                  + " bytes (4 MiB) per apply"));
    }
  }

  /** An apply of {@code documents} documents; dry runs do not count against the rate limit. */
  public void admitApply(Caller caller, int documents, boolean dryRun) {
    if (documents > MAX_DOCUMENTS_PER_APPLY) {
      throw new ProblemException(
          Problem.of(
              Problem.Code.INVALID_ARGUMENT,
              "",
              "an apply holds at most "
                  + MAX_DOCUMENTS_PER_APPLY
                  + " documents, got "
                  + documents));
    }
    if (!dryRun) {
      limiter.acquire(caller.principal(), Math.max(1, documents));
    }
  }

  /** A delete costs one write. */
  public void admitDelete(Caller caller) {
    limiter.acquire(caller.principal(), 1);
  }
}
