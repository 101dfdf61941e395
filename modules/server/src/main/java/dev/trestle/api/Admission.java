package dev.trestle.api;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.ResourceDocuments;

/**
 * The one admission check of a write, shared by the gRPC and REST façades so both refuse the same
 * input with the same reason before any work is done: request size, documents per apply, the
 * per-principal write rate and the per-principal bound on large requests in progress. Each check
 * throws a {@link ProblemException}; a refused request changes nothing.
 */
public final class Admission {
  /** The most documents one apply (gRPC {@code Apply}, REST {@code POST /apply}) may hold. */
  public static final int MAX_DOCUMENTS_PER_APPLY = 1000;

  /** The largest apply request: the serialized gRPC request or the REST body. */
  public static final int MAX_REQUEST_BYTES = ResourceDocuments.MAX_INPUT_BYTES;

  /** Requests over this many bytes are large: read only for callers who may write, bounded. */
  public static final long LARGE_REQUEST_BYTES = 256 * 1024;

  /** How many large requests one principal may have in progress at once. */
  public static final int LARGE_REQUESTS_PER_PRINCIPAL = 2;

  private final WriteLimiter limiter;
  private final LargeRequests large =
      new LargeRequests(LARGE_REQUEST_BYTES, LARGE_REQUESTS_PER_PRINCIPAL);

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
      throw tooLarge(bytes + " bytes");
    }
  }

  /** TOO_LARGE for a request of {@code size} (e.g. "5000000 bytes"). */
  static ProblemException tooLarge(String size) {
    return new ProblemException(
        Problem.of(
            Problem.Code.TOO_LARGE,
            "",
            "the request is "
                + size
                + "; the limit is "
                + MAX_REQUEST_BYTES
                + " bytes (4 MiB) per apply"));
  }

  /**
   * An apply of {@code documents} documents. Dry runs count against the rate limit like applies:
   * they cost the server as much and could otherwise probe without limit (issue 16).
   */
  public void admitApply(Caller caller, int documents) {
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
    limiter.acquire(caller.principal(), Math.max(1, documents));
  }

  boolean isLarge(long bytes) {
    return large.isLarge(bytes);
  }

  /**
   * A permit for a request of {@code bytes}, to close when it is answered; RATE_LIMITED when the
   * principal already has its large requests in progress. Small requests always get one.
   */
  LargeRequests.Permit admitLarge(Caller caller, long bytes) {
    return large.acquire(caller.principal(), bytes);
  }

  /**
   * Every check of a whole apply request whose size is known up front (gRPC): size, the
   * large-request permit, then documents and rate. The permit is released when a later check
   * refuses; otherwise the caller closes it when the request is answered.
   */
  LargeRequests.Permit admitApplyRequest(Caller caller, long bytes, int documents) {
    checkSize(bytes);
    LargeRequests.Permit permit = admitLarge(caller, bytes);
    try {
      admitApply(caller, documents);
    } catch (ProblemException e) {
      permit.close();
      throw e;
    }
    return permit;
  }

  /** A delete costs one write. */
  public void admitDelete(Caller caller) {
    limiter.acquire(caller.principal(), 1);
  }
}
