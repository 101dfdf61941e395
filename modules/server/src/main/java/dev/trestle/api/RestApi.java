package dev.trestle.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.audit.AuditFilter;
import dev.trestle.audit.AuditQueries;
import dev.trestle.clusters.ClusterOperations;
import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.DocumentException;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.IssueJoinTokenResponse;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.RevokeJoinTokenResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;

/**
 * REST/JSON view of the management API under {@code /api/v1}: a path with an even number of
 * segments names a resource (GET, PUT, DELETE), an odd one a collection (GET lists it), and {@code
 * POST /api/v1/apply} takes YAML or JSON documents. Bodies are the document form the CLI prints;
 * errors are {@code ErrorDetail} as JSON.
 */
public final class RestApi {
  private static final String PREFIX = "/api/v1";
  private final ResourceService service;
  private final AuditQueries audit;
  private final ClusterOperations clusters;
  private final CallContext callers;
  private final WriteLimiter limiter;
  private final ClassicActorSystemProvider system;
  private final long bodyTimeoutMillis;

  public RestApi(
      ResourceService service,
      AuditQueries audit,
      ClusterOperations clusters,
      CallContext callers,
      WriteLimiter limiter,
      ClassicActorSystemProvider system,
      long bodyTimeoutMillis) {
    this.clusters = clusters;
    this.limiter = limiter;
    this.service = service;
    this.audit = audit;
    this.callers = callers;
    this.system = system;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
  }

  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    long start = System.nanoTime();
    String path = request.getUri().path();
    String op = request.method().value() + " " + path;
    var requestId = request.getHeader(CallContext.REQUEST_ID_HEADER).map(h -> h.value());
    return callers
        .resolve(
            request.getHeader(CallContext.AUTHORIZATION_HEADER).map(h -> h.value()),
            request.getHeader(CallContext.USER_HEADER).map(h -> h.value()),
            requestId)
        .thenCompose(caller -> dispatch(request, caller, start))
        .exceptionally(
            e -> {
              request.discardEntityBytes(system);
              return error(op, CallContext.unauthenticated(requestId), start, e);
            });
  }

  private CompletionStage<HttpResponse> dispatch(HttpRequest request, Caller caller, long start) {
    String path = request.getUri().path();
    String op = request.method().value() + " " + path;
    if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
      request.discardEntityBytes(system);
      return done(
          op,
          caller,
          start,
          problem(
              Problem.Code.NOT_FOUND,
              "no route " + op + "; the REST API lives under " + PREFIX + " (see docs/api.md)"));
    }
    String rest = path.substring(PREFIX.length()).replaceAll("^/+|/+$", "");
    String[] segments = rest.isEmpty() ? new String[0] : rest.split("/");
    Uri uri = request.getUri();
    try {
      if (request.method().equals(HttpMethods.POST) && rest.equals("apply")) {
        return body(request)
            .thenCompose(
                text ->
                    apply(
                        parseAll(text),
                        flag(uri, "dryRun"),
                        flag(uri, "stopOnError"),
                        caller,
                        op,
                        start))
            .exceptionally(e -> error(op, caller, start, e));
      }
      if (request.method().equals(HttpMethods.GET) && rest.equals("audit")) {
        return audit
            .query(auditRequest(uri), caller)
            .thenApply(
                page -> {
                  var out = AuditViews.response(page);
                  page.rows().forEach(r -> out.addEntries(AuditViews.entry(r)));
                  return ok(op, caller, start, auditJson(out));
                })
            .exceptionally(e -> error(op, caller, start, e));
      }
      if (rest.equals("clusters")
          || rest.equals("services")
          || rest.equals("join-tokens")
          || rest.startsWith("status/")) {
        return clusterRoutes(request, rest, caller, op, start)
            .exceptionally(e -> error(op, caller, start, e));
      }
      if (request.method().equals(HttpMethods.GET) && rest.startsWith("history/")) {
        String fqn = rest.substring("history/".length());
        return audit
            .history(fqn, caller)
            .thenApply(
                versions -> {
                  var out = HistoryResponse.newBuilder().setFqn(fqn);
                  for (int i = versions.size() - 1; i >= 0; i--) {
                    out.addEntries(AuditViews.historyEntry(versions.get(i)));
                  }
                  return ok(op, caller, start, protoJson(out));
                })
            .exceptionally(e -> error(op, caller, start, e));
      }
      boolean names = segments.length > 0 && segments.length % 2 == 0;
      if (request.method().equals(HttpMethods.GET) && names) {
        long version = longParam(uri, "version");
        return (version > 0 ? audit.at(rest, version, caller) : service.get(rest, caller))
            .thenApply(
                v ->
                    ok(
                        op,
                        caller,
                        start,
                        json(ResourceDocuments.toDocument(ResourceMapper.toResource(v)))))
            .exceptionally(e -> error(op, caller, start, e));
      }
      if (request.method().equals(HttpMethods.GET)) {
        String parent =
            segments.length == 0
                ? ""
                : String.join("/", List.of(segments).subList(0, segments.length - 1));
        String kind = segments.length == 0 ? "" : segments[segments.length - 1];
        int pageSize = intParam(uri, "pageSize");
        return service
            .list(
                parent,
                kind,
                flag(uri, "recursive"),
                uri.query().get("labelSelector").orElse(""),
                pageSize,
                uri.query().get("pageToken").orElse(""),
                caller)
            .thenApply(
                page -> {
                  ObjectNode out = JsonNodeFactory.instance.objectNode();
                  ArrayNode items = out.putArray("resources");
                  page.items()
                      .forEach(
                          v ->
                              items.add(
                                  ResourceDocuments.toDocument(ResourceMapper.toResource(v))));
                  out.put("nextPageToken", page.nextPageToken());
                  return ok(op, caller, start, json(out));
                })
            .exceptionally(e -> error(op, caller, start, e));
      }
      if (request.method().equals(HttpMethods.PUT) && names) {
        return body(request)
            .thenCompose(
                text -> {
                  List<Resource> docs = parseAll(text);
                  if (docs.size() != 1) {
                    throw new InvalidBody("PUT takes exactly one document, got " + docs.size());
                  }
                  String docFqn = ResourceMapper.snapshotOf(docs.get(0)).fqn();
                  if (!docFqn.equals(rest)) {
                    throw new InvalidBody(
                        "the document names " + docFqn + " but the path names " + rest);
                  }
                  return apply(docs, flag(uri, "dryRun"), false, caller, op, start);
                })
            .exceptionally(e -> error(op, caller, start, e));
      }
      if (request.method().equals(HttpMethods.DELETE) && names) {
        request.discardEntityBytes(system);
        long version = longParam(uri, "version");
        try {
          limiter.acquire(caller.principal(), 1);
        } catch (dev.trestle.core.ProblemException e) {
          return CompletableFuture.completedFuture(error(op, caller, start, e));
        }
        return service
            .delete(rest, flag(uri, "cascade"), flag(uri, "force"), version, caller)
            .thenApply(
                deleted -> {
                  ObjectNode out = JsonNodeFactory.instance.objectNode();
                  ArrayNode list = out.putArray("deleted");
                  deleted.forEach(list::add);
                  out.put("requestId", caller.requestId());
                  return ok(op, caller, start, json(out));
                })
            .exceptionally(e -> error(op, caller, start, e));
      }
      request.discardEntityBytes(system);
      Problem notAllowed =
          problem(
              Problem.Code.INVALID_ARGUMENT,
              "method "
                  + request.method().value()
                  + " is not supported on "
                  + path
                  + " (see docs/api.md)");
      RequestLog.failed("rest", op, "", caller, start, notAllowed);
      return CompletableFuture.completedFuture(
          HttpResponse.create()
              .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
              .withEntity(
                  ContentTypes.APPLICATION_JSON,
                  protoJson(
                      ErrorMapping.detail(notAllowed).toBuilder().setCode("METHOD_NOT_ALLOWED"))));
    } catch (InvalidBody | NumberFormatException e) {
      request.discardEntityBytes(system);
      return done(op, caller, start, problem(Problem.Code.INVALID_ARGUMENT, e.getMessage()));
    }
  }

  private CompletionStage<HttpResponse> apply(
      List<Resource> docs,
      boolean dryRun,
      boolean stopOnError,
      Caller caller,
      String op,
      long start) {
    if (!dryRun) {
      try {
        limiter.acquire(caller.principal(), docs.size());
      } catch (dev.trestle.core.ProblemException e) {
        return CompletableFuture.completedFuture(error(op, caller, start, e));
      }
    }
    return service
        .apply(docs, dryRun, stopOnError, caller)
        .thenApply(
            results -> {
              var response = ApplyResponse.newBuilder().setRequestId(caller.requestId());
              results.forEach(r -> response.addResults(ProtoViews.applyResult(r)));
              StatusCode status =
                  results.stream()
                      .filter(r -> r.problem() != null)
                      .findFirst()
                      .map(r -> ErrorMapping.httpStatus(r.problem().code()))
                      .orElse(StatusCodes.OK);
              RequestLog.ok(
                  "rest",
                  op,
                  docs.size() + " document(s)",
                  caller,
                  start,
                  ManagementGrpcService.summary(results));
              return HttpResponse.create()
                  .withStatus(status)
                  .withEntity(ContentTypes.APPLICATION_JSON, protoJson(response));
            })
        .exceptionally(e -> error(op, caller, start, e));
  }

  /**
   * {@code GET /clusters}; {@code POST /join-tokens?cluster=C[&rotate=true]}; {@code DELETE
   * /join-tokens?cluster=C[&tokenId=ID]}; {@code GET /status/FQN[?wait=applied&timeout=60s]};
   * {@code GET /services[?namespace=N]} (the service catalog over the clusters the caller may
   * read).
   */
  private CompletionStage<HttpResponse> clusterRoutes(
      HttpRequest request, String rest, Caller caller, String op, long start) {
    request.discardEntityBytes(system);
    Uri uri = request.getUri();
    var method = request.method();
    if (rest.equals("services") && method.equals(HttpMethods.GET)) {
      return clusters
          .services(uri.query().get("namespace").orElse(""), caller)
          .thenApply(
              s ->
                  ok(
                      op,
                      caller,
                      start,
                      protoJson(
                          dev.trestle.protocol.v1.ListServicesResponse.newBuilder()
                              .addAllServices(s))));
    }
    if (rest.equals("clusters") && method.equals(HttpMethods.GET)) {
      return clusters
          .list(caller, intParam(uri, "pageSize"), uri.query().get("pageToken").orElse(""))
          .thenApply(page -> ok(op, caller, start, protoJson(ClusterViews.page(page))));
    }
    if (rest.equals("join-tokens") && method.equals(HttpMethods.POST)) {
      String cluster = uri.query().get("cluster").orElse("");
      return clusters
          .issueToken(cluster, flag(uri, "rotate"), caller)
          .thenApply(
              t -> {
                var out =
                    IssueJoinTokenResponse.newBuilder()
                        .setCluster(t.cluster())
                        .setTokenId(t.token().tokenId())
                        .setToken(t.token().text())
                        .addAllRevokedTokenIds(t.revokedTokenIds());
                return ok(op, caller, start, protoJson(out));
              });
    }
    if (rest.equals("join-tokens") && method.equals(HttpMethods.DELETE)) {
      return clusters
          .revokeTokens(
              uri.query().get("cluster").orElse(""), uri.query().get("tokenId").orElse(""), caller)
          .thenApply(
              r ->
                  ok(
                      op,
                      caller,
                      start,
                      protoJson(
                          RevokeJoinTokenResponse.newBuilder()
                              .setCluster(r.cluster())
                              .addAllRevokedTokenIds(r.tokenIds()))));
    }
    if (rest.startsWith("status/") && method.equals(HttpMethods.GET)) {
      String fqn = rest.substring("status/".length());
      Optional<String> wait = uri.query().get("wait");
      if (wait.isEmpty()) {
        return clusters.status(fqn, caller).thenApply(s -> ok(op, caller, start, protoJson(s)));
      }
      if (!wait.get().equalsIgnoreCase("applied")) {
        throw new InvalidBody("wait: only 'applied' can be waited for, not '" + wait.get() + "'");
      }
      Duration timeout;
      try {
        timeout = Duration.parse("PT" + uri.query().get("timeout").orElse("60s").toUpperCase());
      } catch (java.time.format.DateTimeParseException e) {
        throw new InvalidBody(
            "timeout: '"
                + uri.query().get("timeout").orElse("")
                + "' is not a duration such as 90s or 5m");
      }
      return clusters
          .waitForApplied(fqn, timeout, caller)
          .thenApply(s -> ok(op, caller, start, protoJson(s)));
    }
    return done(
        op,
        caller,
        start,
        problem(
            Problem.Code.INVALID_ARGUMENT,
            "method "
                + method.value()
                + " is not supported on "
                + request.getUri().path()
                + " (see docs/api.md)"));
  }

  private CompletionStage<String> body(HttpRequest request) {
    long declared = request.entity().getContentLengthOption().orElse(0L);
    if (declared > ResourceDocuments.MAX_INPUT_BYTES) {
      // Drain rather than read it, so the client gets the answer instead of a reset connection.
      String message =
          "the request body is "
              + declared
              + " bytes; the limit is "
              + ResourceDocuments.MAX_INPUT_BYTES;
      return request
          .discardEntityBytes(system)
          .completionStage()
          .handle(
              (done, drainFailed) -> {
                // past the HTTP layer's own limit the drain fails too: still a 413
                throw new TooLarge(message);
              });
    }
    return request
        .entity()
        .withSizeLimit(ResourceDocuments.MAX_INPUT_BYTES)
        .toStrict(bodyTimeoutMillis, system)
        .thenApply(strict -> strict.getData().decodeString(StandardCharsets.UTF_8))
        .exceptionally(
            e -> {
              throw new InvalidBody(
                  "the request body could not be read (the limit is "
                      + ResourceDocuments.MAX_INPUT_BYTES
                      + " bytes)");
            });
  }

  /**
   * Every document must read cleanly, otherwise nothing is applied; {@link InvalidBody} names the
   * first that does not.
   */
  static List<Resource> parseAll(String text) {
    List<ParsedDocument> parsed;
    try {
      parsed = ResourceDocuments.parse(text);
    } catch (DocumentException e) {
      throw new InvalidBody(e.getMessage());
    }
    var docs = new ArrayList<Resource>();
    for (ParsedDocument d : parsed) {
      if (d.error() != null) {
        throw new InvalidBody(
            d.position() + ": " + d.error().getMessage(),
            "documents["
                + (d.index() - 1)
                + "]"
                + (d.error().field().isEmpty() ? "" : "." + d.error().field()),
            d.error().getMessage());
      }
      docs.add(d.resource());
    }
    if (docs.isEmpty()) {
      throw new InvalidBody("the body holds no documents");
    }
    if (docs.size() > ManagementGrpcService.MAX_DOCUMENTS_PER_APPLY) {
      throw new InvalidBody(
          "an apply holds at most "
              + ManagementGrpcService.MAX_DOCUMENTS_PER_APPLY
              + " documents, got "
              + docs.size());
    }
    return docs;
  }

  private HttpResponse error(String op, Caller caller, long start, Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null
        && !(cause instanceof TooLarge)
        && !(cause instanceof InvalidBody)) {
      cause = cause.getCause();
    }
    Problem p =
        cause instanceof TooLarge
            ? problem(Problem.Code.TOO_LARGE, cause.getMessage())
            : cause instanceof InvalidBody invalid ? invalid.problem() : Problem.of(e, "");
    RequestLog.failed("rest", op, "", caller, start, p);
    return errorResponse(p);
  }

  private CompletionStage<HttpResponse> done(String op, Caller caller, long start, Problem p) {
    RequestLog.failed("rest", op, "", caller, start, p);
    return CompletableFuture.completedFuture(errorResponse(p));
  }

  private static HttpResponse errorResponse(Problem p) {
    return HttpResponse.create()
        .withStatus(ErrorMapping.httpStatus(p.code()))
        .withEntity(ContentTypes.APPLICATION_JSON, protoJson(ErrorMapping.detail(p)));
  }

  private static HttpResponse ok(String op, Caller caller, long start, String json) {
    RequestLog.ok("rest", op, "", caller, start, "");
    return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json);
  }

  private static Problem problem(Problem.Code code, String message) {
    return Problem.of(code, "", message);
  }

  private static boolean flag(Uri uri, String name) {
    return uri.query().get(name).map(v -> v.isEmpty() || v.equalsIgnoreCase("true")).orElse(false);
  }

  private static long longParam(Uri uri, String name) {
    Optional<String> v = uri.query().get(name);
    try {
      return v.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      throw new InvalidBody(name + ": '" + v.get() + "' is not a number");
    }
  }

  private static AuditFilter.Request auditRequest(Uri uri) {
    var q = uri.query();
    return new AuditFilter.Request(
        q.get("resource").orElse(""),
        flag(uri, "recursive"),
        q.get("principal").orElse(""),
        q.get("kind").orElse(""),
        q.get("operation").orElse(""),
        q.get("outcome").orElse(""),
        q.get("since").orElse(""),
        q.get("until").orElse(""),
        q.get("text").orElse(""),
        intParam(uri, "pageSize"),
        q.get("pageToken").orElse(""));
  }

  private static int intParam(Uri uri, String name) {
    Optional<String> v = uri.query().get(name);
    try {
      return v.map(Integer::parseInt).orElse(0);
    } catch (NumberFormatException e) {
      throw new InvalidBody(name + ": '" + v.get() + "' is not a number");
    }
  }

  private static String json(Object tree) {
    try {
      return CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Proto3 JSON, re-printed by Jackson so quotes are not escaped as HTML-safe sequences. */
  /**
   * An audit page in the protobuf JSON mapping, with {@code scanBudgetExhausted} and {@code
   * rowsExamined} always present (the mapping leaves out false and 0).
   */
  private static String auditJson(AuditQueryResponse.Builder page) {
    try {
      var tree = (ObjectNode) CanonicalJson.MAPPER.readTree(JsonFormat.printer().print(page));
      if (!tree.has("entries")) {
        tree.putArray("entries");
      }
      tree.put("nextPageToken", page.getNextPageToken());
      tree.put("scanBudgetExhausted", page.getScanBudgetExhausted());
      tree.put("rowsExamined", page.getRowsExamined());
      return json(tree);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String protoJson(MessageOrBuilder message) {
    try {
      return json(CanonicalJson.MAPPER.readTree(JsonFormat.printer().print(message)));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /** A request whose body or parameters cannot be used; nothing was changed. */
  static final class InvalidBody extends RuntimeException {
    private final Problem.Violation violation;

    InvalidBody(String message) {
      super(message, null, false, false);
      this.violation = null;
    }

    InvalidBody(String message, String field, String description) {
      super(message, null, false, false);
      this.violation = new Problem.Violation(field, description);
    }

    Problem problem() {
      return new Problem(
          Problem.Code.INVALID_ARGUMENT,
          getMessage(),
          violation == null ? List.of() : List.of(violation),
          "",
          0,
          List.of());
    }
  }
}
