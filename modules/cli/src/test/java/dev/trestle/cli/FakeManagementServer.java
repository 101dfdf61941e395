package dev.trestle.cli;

import dev.trestle.protocol.v1.AccessBindings;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.CheckAccessRequest;
import dev.trestle.protocol.v1.CheckAccessResponse;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GetPrincipalRequest;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.GetRoleRequest;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.IssueTokenResponse;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Principal;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.Role;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SetRoleRequest;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.protocol.v1.WhoAmIResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A programmable management, audit and IAM service on a real gRPC port (127.0.0.1, ephemeral):
 * records every request and the {@code authorization} header it came with ("" when absent), and
 * answers with the function given, which may throw {@link #failure}.
 */
final class FakeManagementServer implements AutoCloseable {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  final List<Object> requests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  volatile Function<ApplyRequest, ApplyResponse> onApply = r -> ApplyResponse.getDefaultInstance();
  volatile Function<ApplyRequest, ImpactResponse> onPreviewImpact =
      r -> ImpactResponse.getDefaultInstance();
  volatile Function<DeleteRequest, ImpactResponse> onPreviewDeleteImpact =
      r -> ImpactResponse.newBuilder().addDeleted(r.getFqn()).build();
  volatile Function<GetRequest, Resource> onGet =
      r -> {
        throw failure(Status.NOT_FOUND, detail("NOT_FOUND", r.getFqn(), "not found"));
      };
  volatile Function<ListRequest, ListResponse> onList = r -> ListResponse.getDefaultInstance();
  volatile Function<DeleteRequest, DeleteResponse> onDelete =
      r -> DeleteResponse.newBuilder().addDeleted(r.getFqn()).build();
  volatile Function<AuditQueryRequest, AuditQueryResponse> onAuditQuery =
      r -> AuditQueryResponse.getDefaultInstance();
  volatile Function<HistoryRequest, HistoryResponse> onHistory =
      r -> {
        throw failure(
            Status.NOT_FOUND,
            detail("NOT_FOUND", r.getFqn(), r.getFqn() + " has no history: it never existed"));
      };

  volatile Function<WhoAmIRequest, WhoAmIResponse> onWhoAmI =
      r ->
          WhoAmIResponse.newBuilder()
              .setPrincipal("users/admin")
              .setAuthenticatedBy("token")
              .build();
  volatile Function<CheckAccessRequest, CheckAccessResponse> onCheckAccess =
      r ->
          CheckAccessResponse.newBuilder()
              .setFqn(r.getFqn())
              .setPrincipal(r.getPrincipal().isEmpty() ? "users/admin" : r.getPrincipal())
              .build();
  volatile Function<CreatePrincipalRequest, Principal> onCreatePrincipal =
      r ->
          Principal.newBuilder()
              .setName(r.getName())
              .setDisplayName(r.getDisplayName())
              .setVersion(1)
              .setCreatedBy("users/admin")
              .build();
  volatile Function<GetPrincipalRequest, Principal> onGetPrincipal =
      r -> {
        throw failure(
            Status.NOT_FOUND, detail("NOT_FOUND", r.getName(), r.getName() + " does not exist"));
      };
  volatile Function<IssueTokenRequest, IssueTokenResponse> onIssueToken =
      r ->
          IssueTokenResponse.newBuilder().setTokenId("0a1b2c3d4e5f").setToken(ISSUED_TOKEN).build();
  volatile Function<RevokeTokenRequest, Principal> onRevokeToken =
      r -> Principal.newBuilder().setName(r.getPrincipal()).setVersion(3).build();
  volatile Function<SetRoleRequest, Role> onSetRole =
      r -> r.getRole().toBuilder().setVersion(1).build();
  volatile Function<GetRoleRequest, Role> onGetRole =
      r -> {
        throw failure(
            Status.NOT_FOUND,
            detail("NOT_FOUND", r.getName(), "role " + r.getName() + " does not exist"));
      };
  volatile Function<GetAccessBindingsRequest, AccessBindings> onGetBindings =
      r -> AccessBindings.newBuilder().setTarget(r.getTarget()).build();
  volatile Function<SetAccessBindingsRequest, AccessBindings> onSetBindings =
      r ->
          AccessBindings.newBuilder()
              .setTarget(r.getTarget())
              .addAllBindings(r.getBindingsList())
              .setVersion(r.getVersion() + 1)
              .build();

  /** What {@link #onIssueToken} answers by default: a token in the server's format. */
  static final String ISSUED_TOKEN =
      "trst.dXNlcnMvYWxpY2U.0a1b2c3d4e5f.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";

  private final Server server;

  FakeManagementServer() throws IOException {
    this(InsecureServerCredentials.create());
  }

  FakeManagementServer(ServerCredentials credentials) throws IOException {
    ServerInterceptor recordAuthorization =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            String value = headers.get(AUTHORIZATION);
            authorizations.add(value == null ? "" : value);
            return next.startCall(call, headers);
          }
        };
    server =
        Grpc.newServerBuilderForPort(0, credentials)
            .addService(ServerInterceptors.intercept(new Service(), recordAuthorization))
            .addService(ServerInterceptors.intercept(new Audit(), recordAuthorization))
            .addService(ServerInterceptors.intercept(new Iam(), recordAuthorization))
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @SuppressWarnings("unchecked")
  <T> List<T> requests(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(r -> (T) r).toList();
  }

  static ErrorDetail detail(String code, String fqn, String message) {
    return ErrorDetail.newBuilder().setCode(code).setFqn(fqn).setMessage(message).build();
  }

  static StatusRuntimeException failure(Status status, ErrorDetail detail) {
    Metadata trailers = new Metadata();
    trailers.put(RemoteErrors.ERROR_DETAIL_KEY, detail);
    return status.withDescription(detail.getMessage()).asRuntimeException(trailers);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Service extends ManagementServiceGrpc.ManagementServiceImplBase {
    @Override
    public void apply(ApplyRequest request, StreamObserver<ApplyResponse> out) {
      answer(request, onApply, out);
    }

    @Override
    public void previewImpact(ApplyRequest request, StreamObserver<ImpactResponse> out) {
      answer(request, onPreviewImpact, out);
    }

    @Override
    public void previewDeleteImpact(DeleteRequest request, StreamObserver<ImpactResponse> out) {
      answer(request, onPreviewDeleteImpact, out);
    }

    @Override
    public void get(GetRequest request, StreamObserver<Resource> out) {
      answer(request, onGet, out);
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> out) {
      answer(request, onList, out);
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
      answer(request, onDelete, out);
    }
  }

  private final class Audit extends AuditServiceGrpc.AuditServiceImplBase {
    @Override
    public void query(AuditQueryRequest request, StreamObserver<AuditQueryResponse> out) {
      answer(request, onAuditQuery, out);
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> out) {
      answer(request, onHistory, out);
    }
  }

  private final class Iam extends IamServiceGrpc.IamServiceImplBase {
    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
      answer(request, onWhoAmI, out);
    }

    @Override
    public void checkAccess(CheckAccessRequest request, StreamObserver<CheckAccessResponse> out) {
      answer(request, onCheckAccess, out);
    }

    @Override
    public void createPrincipal(CreatePrincipalRequest request, StreamObserver<Principal> out) {
      answer(request, onCreatePrincipal, out);
    }

    @Override
    public void getPrincipal(GetPrincipalRequest request, StreamObserver<Principal> out) {
      answer(request, onGetPrincipal, out);
    }

    @Override
    public void issueToken(IssueTokenRequest request, StreamObserver<IssueTokenResponse> out) {
      answer(request, onIssueToken, out);
    }

    @Override
    public void revokeToken(RevokeTokenRequest request, StreamObserver<Principal> out) {
      answer(request, onRevokeToken, out);
    }

    @Override
    public void setRole(SetRoleRequest request, StreamObserver<Role> out) {
      answer(request, onSetRole, out);
    }

    @Override
    public void getRole(GetRoleRequest request, StreamObserver<Role> out) {
      answer(request, onGetRole, out);
    }

    @Override
    public void getAccessBindings(
        GetAccessBindingsRequest request, StreamObserver<AccessBindings> out) {
      answer(request, onGetBindings, out);
    }

    @Override
    public void setAccessBindings(
        SetAccessBindingsRequest request, StreamObserver<AccessBindings> out) {
      answer(request, onSetBindings, out);
    }
  }

  private <Q, A> void answer(Q request, Function<Q, A> handler, StreamObserver<A> out) {
    requests.add(request);
    try {
      out.onNext(handler.apply(request));
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }
}
