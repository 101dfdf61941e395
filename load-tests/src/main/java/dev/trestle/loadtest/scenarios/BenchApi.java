package dev.trestle.loadtest.scenarios;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The management API of a central node over real gRPC, with the initial administrator's token. */
public final class BenchApi implements AutoCloseable {
  private final ManagedChannel channel;
  private final CallCredentials credentials;

  public BenchApi(int apiPort, String adminToken) {
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", apiPort, InsecureChannelCredentials.create())
            .build();
    this.credentials = bearer(adminToken);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public CallCredentials credentials() {
    return credentials;
  }

  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        var md = new Metadata();
        if (token != null) {
          md.put(
              Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
              "Bearer " + token);
        }
        applier.apply(md);
      }
    };
  }

  public ManagementServiceGrpc.ManagementServiceBlockingStub management() {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(credentials)
        .withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  public ClusterServiceGrpc.ClusterServiceBlockingStub clusters() {
    return ClusterServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(credentials)
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Parses YAML documents and applies them; fails on any FAILED/SKIPPED document. */
  public ApplyResponse apply(String yaml) {
    return apply(parse(yaml));
  }

  public ApplyResponse apply(List<Resource> resources) {
    ApplyResponse r = applyOnce(ApplyRequest.newBuilder().addAllResources(resources).build(), 1);
    for (ApplyResult res : r.getResultsList()) {
      switch (res.getOutcome()) {
        case FAILED, SKIPPED ->
            throw new IllegalStateException(
                "apply of " + res.getFqn() + " failed: " + res.getError());
        default -> {}
      }
    }
    return r;
  }

  /**
   * An apply, sent again when the connection failed (UNAVAILABLE: on a machine loaded far beyond
   * its cores a fixture's first calls can meet a reset connection; an apply is an upsert, so a
   * resend changes nothing that the first one wrote).
   */
  private ApplyResponse applyOnce(ApplyRequest request, int attempt) {
    try {
      return management().apply(request);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt >= APPLY_ATTEMPTS) {
        throw e;
      }
      return applyOnce(request, attempt + 1);
    }
  }

  private static final int APPLY_ATTEMPTS = 3;

  public static List<Resource> parse(String yaml) {
    var out = new ArrayList<Resource>();
    // a trailing "---" would be an empty document
    for (var d : ResourceDocuments.parse(yaml.replaceAll("(\\n---\\s*)+$", "\n"))) {
      if (d.error() != null) {
        throw new IllegalArgumentException("document " + d.index() + ": " + d.error().getMessage());
      }
      if (d.resource() != null) {
        out.add(d.resource());
      }
    }
    return out;
  }

  public String joinToken(String cluster) {
    return clusters()
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
