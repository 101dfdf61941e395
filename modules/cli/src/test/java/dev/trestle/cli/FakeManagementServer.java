package dev.trestle.cli;

import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A programmable management and audit service on a real gRPC port (127.0.0.1, ephemeral): records
 * every request and answers with the function given, which may throw {@link #failure}.
 */
final class FakeManagementServer implements AutoCloseable {
  final List<Object> requests = new CopyOnWriteArrayList<>();
  volatile Function<ApplyRequest, ApplyResponse> onApply = r -> ApplyResponse.getDefaultInstance();
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

  private final Server server;

  FakeManagementServer() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new Service())
            .addService(new Audit())
            .build()
            .start();
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
