package dev.trestle.cli;

import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The management API (ManagementService and AuditService) over gRPC, one deadline per call. Close
 * it to release the connection.
 */
public final class ManagementClient implements AutoCloseable {
  /** Page size asked for when listing (the server caps it at 1000). */
  static final int PAGE_SIZE = 500;

  private final ServerAddress address;
  private final Duration timeout;
  private final ManagedChannel channel;
  private final ManagementServiceGrpc.ManagementServiceBlockingStub stub;
  private final AuditServiceGrpc.AuditServiceBlockingStub auditStub;

  public ManagementClient(ServerAddress address, Duration timeout) {
    this.address = address;
    this.timeout = timeout;
    this.channel =
        Grpc.newChannelBuilderForAddress(
                address.host(), address.port(), InsecureChannelCredentials.create())
            .userAgent("trestle-cli")
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    this.stub = ManagementServiceGrpc.newBlockingStub(channel);
    this.auditStub = AuditServiceGrpc.newBlockingStub(channel);
  }

  public ServerAddress address() {
    return address;
  }

  public Duration timeout() {
    return timeout;
  }

  public ApplyResponse apply(ApplyRequest request) {
    return call().apply(request);
  }

  public Resource get(String fqn) {
    return get(fqn, 0);
  }

  /** The resource as it is now ({@code version} 0), or exactly as it was at {@code version}. */
  public Resource get(String fqn, long version) {
    return call().get(GetRequest.newBuilder().setFqn(fqn).setVersion(version).build());
  }

  /** One page of audit entries, newest first. */
  public AuditQueryResponse audit(AuditQueryRequest request) {
    return auditCall().query(request);
  }

  /** Every version of one resource, newest first (also after its deletion). */
  public HistoryResponse history(String fqn) {
    return auditCall().history(HistoryRequest.newBuilder().setFqn(fqn).build());
  }

  public ListResponse list(ListRequest request) {
    return call().list(request);
  }

  public DeleteResponse delete(DeleteRequest request) {
    return call().delete(request);
  }

  /** A listing followed over its pages. {@code more} tells whether {@code limit} cut it short. */
  public record Listing(List<Resource> resources, boolean more) {}

  /** Follows page tokens until the end, or until {@code limit} resources (0 = no limit). */
  public Listing listAll(ListRequest request, int limit) {
    var out = new ArrayList<Resource>();
    var seenTokens = new HashSet<String>();
    String token = "";
    while (true) {
      int pageSize = limit > 0 ? Math.min(PAGE_SIZE, limit - out.size()) : PAGE_SIZE;
      ListResponse page =
          list(request.toBuilder().setPageSize(pageSize).setPageToken(token).build());
      out.addAll(page.getResourcesList());
      token = page.getNextPageToken();
      if (token.isEmpty()) {
        break;
      }
      if (limit > 0 && out.size() >= limit) {
        return new Listing(List.copyOf(out.subList(0, limit)), true);
      }
      if (!seenTokens.add(token)) {
        throw new CliException(
            "the server at " + address + " returned the same page token twice; listing stopped");
      }
    }
    boolean more = limit > 0 && out.size() > limit;
    return new Listing(List.copyOf(limit > 0 && more ? out.subList(0, limit) : out), more);
  }

  private ManagementServiceGrpc.ManagementServiceBlockingStub call() {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private AuditServiceGrpc.AuditServiceBlockingStub auditCall() {
    return auditStub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
