package dev.trestle.cli;

import dev.trestle.protocol.v1.AccessBindings;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.CheckAccessRequest;
import dev.trestle.protocol.v1.CheckAccessResponse;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GetPrincipalRequest;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.GetRoleRequest;
import dev.trestle.protocol.v1.GetStatusRequest;
import dev.trestle.protocol.v1.GitOpsServiceGrpc;
import dev.trestle.protocol.v1.GitOpsStatusRequest;
import dev.trestle.protocol.v1.GitOpsStatusResponse;
import dev.trestle.protocol.v1.GitSourceStatus;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.IssueJoinTokenResponse;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.IssueTokenResponse;
import dev.trestle.protocol.v1.ListClustersRequest;
import dev.trestle.protocol.v1.ListClustersResponse;
import dev.trestle.protocol.v1.ListIstioVersionsRequest;
import dev.trestle.protocol.v1.ListIstioVersionsResponse;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Principal;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.RevokeJoinTokenRequest;
import dev.trestle.protocol.v1.RevokeJoinTokenResponse;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.Role;
import dev.trestle.protocol.v1.RolloutServiceGrpc;
import dev.trestle.protocol.v1.RolloutStatusRequest;
import dev.trestle.protocol.v1.RolloutStatusResponse;
import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.ServiceTrafficResponse;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SetRoleRequest;
import dev.trestle.protocol.v1.SyncGitSourceRequest;
import dev.trestle.protocol.v1.SyncState;
import dev.trestle.protocol.v1.TelemetryQueryGrpc;
import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopServicesResponse;
import dev.trestle.protocol.v1.TopologyRequest;
import dev.trestle.protocol.v1.TopologyResponse;
import dev.trestle.protocol.v1.WaitForStatusRequest;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.protocol.v1.WhoAmIResponse;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The management API (ManagementService, AuditService and IamService) over gRPC, one deadline per
 * call, the bearer token (if any) attached to every call as {@code authorization: Bearer ...}.
 * Close it to release the connection.
 */
public final class ManagementClient implements AutoCloseable {
  /** Page size asked for when listing (the server caps it at 1000). */
  static final int PAGE_SIZE = 500;

  /** The least a forced GitOps sync is given (it fetches, then applies). */
  private static final Duration SYNC_DEADLINE = Duration.ofMinutes(2);

  /** Where and how to connect, and as whom. */
  public record Connection(
      ServerAddress address,
      Duration timeout,
      Transport transport,
      Optional<Credential> credential) {
    public static Connection plaintext(ServerAddress address, Duration timeout) {
      return new Connection(address, timeout, Transport.PLAINTEXT, Optional.empty());
    }

    Connection withCredential(Credential credential) {
      return new Connection(address, timeout, transport, Optional.of(credential));
    }
  }

  private final ServerAddress address;
  private final Duration timeout;
  private final ManagedChannel channel;
  private final ManagementServiceGrpc.ManagementServiceBlockingStub stub;
  private final AuditServiceGrpc.AuditServiceBlockingStub auditStub;
  private final IamServiceGrpc.IamServiceBlockingStub iamStub;
  private final ClusterServiceGrpc.ClusterServiceBlockingStub clusterStub;
  private final dev.trestle.protocol.v1.ServiceCatalogGrpc.ServiceCatalogBlockingStub catalogStub;
  private final TelemetryQueryGrpc.TelemetryQueryBlockingStub telemetryStub;
  private final GitOpsServiceGrpc.GitOpsServiceBlockingStub gitopsStub;
  private final RolloutServiceGrpc.RolloutServiceBlockingStub rolloutStub;

  public ManagementClient(ServerAddress address, Duration timeout) {
    this(Connection.plaintext(address, timeout));
  }

  public ManagementClient(Connection connection) {
    this.address = connection.address();
    this.timeout = connection.timeout();
    this.channel =
        Grpc.newChannelBuilderForAddress(
                address.host(), address.port(), connection.transport().channelCredentials())
            .userAgent("trestle-cli")
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    Optional<CallCredentials> bearer = connection.credential().map(BearerToken::new);
    this.stub = authenticated(ManagementServiceGrpc.newBlockingStub(channel), bearer);
    this.auditStub = authenticated(AuditServiceGrpc.newBlockingStub(channel), bearer);
    this.iamStub = authenticated(IamServiceGrpc.newBlockingStub(channel), bearer);
    this.clusterStub = authenticated(ClusterServiceGrpc.newBlockingStub(channel), bearer);
    this.catalogStub =
        authenticated(dev.trestle.protocol.v1.ServiceCatalogGrpc.newBlockingStub(channel), bearer);
    this.telemetryStub = authenticated(TelemetryQueryGrpc.newBlockingStub(channel), bearer);
    this.gitopsStub = authenticated(GitOpsServiceGrpc.newBlockingStub(channel), bearer);
    this.rolloutStub = authenticated(RolloutServiceGrpc.newBlockingStub(channel), bearer);
  }

  private static <S extends AbstractStub<S>> S authenticated(
      S stub, Optional<CallCredentials> bearer) {
    return bearer.map(stub::withCallCredentials).orElse(stub);
  }

  /**
   * {@code authorization: Bearer <token>} on every call. Sent on plaintext channels too (the
   * default server listens on loopback without TLS); the CLI warns for other hosts.
   */
  static final class BearerToken extends CallCredentials {
    static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final Credential credential;

    BearerToken(Credential credential) {
      this.credential = credential;
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + credential.token());
      applier.apply(headers);
    }

    @Override
    public String toString() {
      return "bearer " + credential;
    }
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

  public ImpactResponse previewImpact(ApplyRequest request) {
    return call().previewImpact(request);
  }

  public ImpactResponse previewDeleteImpact(DeleteRequest request) {
    return call().previewDeleteImpact(request);
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

  /** Who the caller is and how the server authenticated it. */
  public WhoAmIResponse whoAmI() {
    return iamCall().whoAmI(WhoAmIRequest.getDefaultInstance());
  }

  /** What {@code principal} (empty: the caller) may do on {@code fqn}. */
  public CheckAccessResponse checkAccess(String fqn, String principal) {
    return iamCall()
        .checkAccess(CheckAccessRequest.newBuilder().setFqn(fqn).setPrincipal(principal).build());
  }

  public Principal createPrincipal(String name, String displayName) {
    return iamCall()
        .createPrincipal(
            CreatePrincipalRequest.newBuilder().setName(name).setDisplayName(displayName).build());
  }

  public Principal getPrincipal(String name) {
    return iamCall().getPrincipal(GetPrincipalRequest.newBuilder().setName(name).build());
  }

  /**
   * @param ttl how long the token is valid; null = until revoked
   */
  public IssueTokenResponse issueToken(String principal, String description, Duration ttl) {
    var request =
        IssueTokenRequest.newBuilder().setPrincipal(principal).setDescription(description);
    if (ttl != null) {
      request.getTtlBuilder().setSeconds(ttl.getSeconds()).setNanos(ttl.getNano());
    }
    return iamCall().issueToken(request.build());
  }

  public Principal revokeToken(String principal, String tokenId) {
    return iamCall()
        .revokeToken(
            RevokeTokenRequest.newBuilder().setPrincipal(principal).setTokenId(tokenId).build());
  }

  public Role setRole(Role role) {
    return iamCall().setRole(SetRoleRequest.newBuilder().setRole(role).build());
  }

  public Role getRole(String name) {
    return iamCall().getRole(GetRoleRequest.newBuilder().setName(name).build());
  }

  public AccessBindings getAccessBindings(String target) {
    return iamCall()
        .getAccessBindings(GetAccessBindingsRequest.newBuilder().setTarget(target).build());
  }

  /** Replaces the bindings on {@code target}; {@code version} > 0 is a precondition. */
  public AccessBindings setAccessBindings(String target, List<Binding> bindings, long version) {
    return iamCall()
        .setAccessBindings(
            SetAccessBindingsRequest.newBuilder()
                .setTarget(target)
                .addAllBindings(bindings)
                .setVersion(version)
                .build());
  }

  public ListClustersResponse listClusters() {
    return clusterCall(timeout).listClusters(ListClustersRequest.getDefaultInstance());
  }

  /** The fleet's Istio versions (ListIstioVersions). */
  public ListIstioVersionsResponse listIstioVersions() {
    return clusterCall(timeout).listIstioVersions(ListIstioVersionsRequest.getDefaultInstance());
  }

  /** The service catalog; {@code namespace} empty for all. */
  public dev.trestle.protocol.v1.ListServicesResponse listServices(String namespace) {
    return catalogStub
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .listServices(
            dev.trestle.protocol.v1.ListServicesRequest.newBuilder()
                .setNamespace(namespace)
                .build());
  }

  /** Telemetry queries (docs/telemetry.md). */
  public ServiceTrafficResponse serviceTraffic(ServiceTrafficRequest request) {
    return telemetryStub
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .serviceTraffic(request);
  }

  public TopServicesResponse topServices(TopServicesRequest request) {
    return telemetryStub
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .topServices(request);
  }

  public TopologyResponse topology(TopologyRequest request) {
    return telemetryStub
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .topology(request);
  }

  /**
   * @param ttl how long the token may first be presented; null = no expiry
   */
  public IssueJoinTokenResponse issueJoinToken(
      String cluster, boolean rotate, Duration ttl, boolean singleUse) {
    var request =
        IssueJoinTokenRequest.newBuilder()
            .setCluster(cluster)
            .setRotate(rotate)
            .setSingleUse(singleUse);
    if (ttl != null) {
      request.getTtlBuilder().setSeconds(ttl.getSeconds()).setNanos(ttl.getNano());
    }
    return clusterCall(timeout).issueJoinToken(request.build());
  }

  public RevokeJoinTokenResponse revokeJoinToken(String cluster, String tokenId) {
    return clusterCall(timeout)
        .revokeJoinToken(
            RevokeJoinTokenRequest.newBuilder().setCluster(cluster).setTokenId(tokenId).build());
  }

  public ResourceStatus status(String fqn) {
    return clusterCall(timeout).getStatus(GetStatusRequest.newBuilder().setFqn(fqn).build());
  }

  /** Waits server-side; the call's own deadline is the wait plus the usual timeout. */
  public ResourceStatus waitForApplied(String fqn, Duration wait) {
    return clusterCall(wait.plus(timeout))
        .waitForStatus(
            WaitForStatusRequest.newBuilder()
                .setFqn(fqn)
                .setForState(SyncState.SYNC_APPLIED)
                .setTimeout(
                    com.google.protobuf.Duration.newBuilder()
                        .setSeconds(wait.toSeconds())
                        .setNanos(wait.toNanosPart()))
                .build());
  }

  /** GitOps status of one source (its FQN) or of every readable source ({@code source} empty). */
  public GitOpsStatusResponse gitopsStatus(String source) {
    return gitopsStub
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .getGitOpsStatus(GitOpsStatusRequest.newBuilder().setSource(source).build());
  }

  /** Status of one revision rollout (its FQN) or of every readable one ({@code rollout} empty). */
  public RolloutStatusResponse rolloutStatus(String rollout) {
    return rolloutStub
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .getRolloutStatus(RolloutStatusRequest.newBuilder().setRollout(rollout).build());
  }

  /** Syncs a source now; waits for the sync (a fetch may take a while: at least 2 minutes). */
  public GitSourceStatus syncGitSource(String source) {
    Duration deadline = timeout.compareTo(SYNC_DEADLINE) > 0 ? timeout : SYNC_DEADLINE;
    return gitopsStub
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .syncGitSource(SyncGitSourceRequest.newBuilder().setSource(source).build());
  }

  private ClusterServiceGrpc.ClusterServiceBlockingStub clusterCall(Duration deadline) {
    return clusterStub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ManagementServiceGrpc.ManagementServiceBlockingStub call() {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private AuditServiceGrpc.AuditServiceBlockingStub auditCall() {
    return auditStub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private IamServiceGrpc.IamServiceBlockingStub iamCall() {
    return iamStub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
