package dev.trestle.loadtest.audit;

import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one query and its follow-up page over gRPC, one call in flight, and times each call on the
 * client: from the blocking stub call to the decoded response.
 */
final class AuditQueryRunner {
  /**
   * One timed call. For page 2, {@code afterTimeMicros/afterId} is where page 1's token continues:
   * its last row, or the last row the server examined when the scan budget ran out ({@code
   * partial}). {@code rowsExamined} is the server's count for this call.
   */
  record Sample(
      AuditQueryShape shape,
      int page,
      long nanos,
      int rows,
      AuditQueryRequest request,
      long afterTimeMicros,
      long afterId,
      String error,
      int rowsExamined,
      boolean partial) {}

  private final AuditServiceGrpc.AuditServiceBlockingStub stub;
  private final int followUpPages;
  private final Runnable beforeEachCall;

  /** {@code beforeEachCall} runs before every call, outside the timed part. */
  AuditQueryRunner(
      AuditServiceGrpc.AuditServiceBlockingStub stub, int followUpPages, Runnable beforeEachCall) {
    this.stub = stub;
    this.followUpPages = followUpPages;
    this.beforeEachCall = beforeEachCall;
  }

  List<Sample> run(AuditQueryShape shape, AuditQueryRequest first) {
    var samples = new ArrayList<Sample>();
    AuditQueryRequest request = first;
    long afterTime = Long.MAX_VALUE;
    long afterId = Long.MAX_VALUE;
    for (int page = 1; page <= 1 + followUpPages; page++) {
      beforeEachCall.run();
      var call = stub.withDeadlineAfter(60, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      AuditQueryResponse response;
      try {
        response = call.query(request);
      } catch (StatusRuntimeException e) {
        long nanos = System.nanoTime() - t0;
        samples.add(
            new Sample(
                shape,
                page,
                nanos,
                0,
                request,
                afterTime,
                afterId,
                e.getStatus().toString(),
                0,
                false));
        return samples;
      }
      long nanos = System.nanoTime() - t0;
      samples.add(
          new Sample(
              shape,
              page,
              nanos,
              response.getEntriesCount(),
              request,
              afterTime,
              afterId,
              null,
              response.getRowsExamined(),
              response.getScanBudgetExhausted()));
      if (response.getNextPageToken().isEmpty()) {
        return samples;
      }
      long[] position = position(response.getNextPageToken());
      afterTime = position[0];
      afterId = position[1];
      request = request.toBuilder().setPageToken(response.getNextPageToken()).build();
    }
    return samples;
  }

  /**
   * The (time, id) a page token continues after, for the diagnostics only: the token is opaque to
   * clients; this mirrors AuditFilter's format "a2:time:id:...", base64url.
   */
  static long[] position(String token) {
    String[] parts =
        new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
  }

  /** Times the same call again (for diagnostics); returns milliseconds. */
  double time(AuditQueryRequest request) {
    beforeEachCall.run();
    long t0 = System.nanoTime();
    stub.withDeadlineAfter(60, TimeUnit.SECONDS).query(request);
    return (System.nanoTime() - t0) / 1e6;
  }
}
