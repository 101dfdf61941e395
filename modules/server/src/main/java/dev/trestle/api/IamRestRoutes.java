package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.iam.AccessControl;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GetPrincipalRequest;
import dev.trestle.protocol.v1.GetRoleRequest;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.Role;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SetRoleRequest;
import dev.trestle.protocol.v1.WhoAmIRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Identity and access over REST (docs/api.md "IAM over REST"): whoami, a batched permission check
 * and the IAM service's principals, tokens, roles and bindings. Every call goes through {@link
 * IamGrpcService}, so REST and gRPC share authentication, rules and request logging; bodies are the
 * protobuf JSON mapping of the gRPC messages.
 */
public final class IamRestRoutes {
  /** The most FQNs one {@code POST /api/v1/can-i} may ask about. */
  static final int MAX_CAN_I = 500;

  private final IamGrpcService iam;
  private final CallContext callers;
  private final AccessControl access;

  public IamRestRoutes(IamGrpcService iam, CallContext callers, AccessControl access) {
    this.iam = iam;
    this.callers = callers;
    this.access = access;
  }

  public Route route() {
    return ApiRoutes.apiV1(
        () ->
            extractRequest(
                request ->
                    concat(
                        path("whoami", () -> get(() -> call(whoAmI(request)))),
                        path("can-i", () -> post(() -> body(text -> canI(request, text)))),
                        pathPrefix("iam", () -> iamRoutes(request)))));
  }

  private Route iamRoutes(HttpRequest request) {
    Metadata md = metadata(request);
    return concat(
        path(
            "principals",
            () ->
                post(
                    () ->
                        body(
                            text ->
                                call(
                                    IamRestRoutes.<CreatePrincipalRequest>parse(
                                            text, CreatePrincipalRequest.newBuilder())
                                        .thenCompose(r -> iam.createPrincipal(r, md)))))),
        pathPrefix(
            "principals",
            () ->
                pathPrefix(
                    segment(),
                    type -> pathPrefix(segment(), name -> principalRoutes(type + "/" + name, md)))),
        path(
            segment("roles").slash(segment()),
            name ->
                concat(
                    get(
                        () ->
                            call(
                                iam.getRole(
                                    GetRoleRequest.newBuilder().setName(name).build(), md))),
                    put(
                        () ->
                            body(
                                text ->
                                    call(
                                        IamRestRoutes.<Role>parse(text, Role.newBuilder())
                                            .thenCompose(
                                                role ->
                                                    iam.setRole(
                                                        SetRoleRequest.newBuilder()
                                                            .setRole(role.toBuilder().setName(name))
                                                            .build(),
                                                        md))))))),
        path(
            "bindings",
            () ->
                parameterOptional(
                    "target",
                    target ->
                        concat(
                            get(
                                () ->
                                    call(
                                        iam.getAccessBindings(
                                            GetAccessBindingsRequest.newBuilder()
                                                .setTarget(target.orElse(""))
                                                .build(),
                                            md))),
                            put(
                                () ->
                                    body(
                                        text ->
                                            call(
                                                IamRestRoutes.<SetAccessBindingsRequest>parse(
                                                        text, SetAccessBindingsRequest.newBuilder())
                                                    .thenCompose(
                                                        r ->
                                                            iam.setAccessBindings(
                                                                r.toBuilder()
                                                                    .setTarget(target.orElse(""))
                                                                    .build(),
                                                                md)))))))));
  }

  private Route principalRoutes(String principal, Metadata md) {
    return concat(
        pathEnd(
            () ->
                get(
                    () ->
                        call(
                            iam.getPrincipal(
                                GetPrincipalRequest.newBuilder().setName(principal).build(), md)))),
        path(
            "tokens",
            () ->
                post(
                    () ->
                        body(
                            text ->
                                call(
                                    IamRestRoutes.<IssueTokenRequest>parse(
                                            text, IssueTokenRequest.newBuilder())
                                        .thenCompose(
                                            r ->
                                                iam.issueToken(
                                                    r.toBuilder().setPrincipal(principal).build(),
                                                    md)))))),
        path(
            segment("tokens").slash(segment()),
            tokenId ->
                delete(
                    () ->
                        call(
                            iam.revokeToken(
                                RevokeTokenRequest.newBuilder()
                                    .setPrincipal(principal)
                                    .setTokenId(tokenId)
                                    .build(),
                                md)))));
  }

  private CompletionStage<? extends MessageOrBuilder> whoAmI(HttpRequest request) {
    return iam.whoAmI(WhoAmIRequest.getDefaultInstance(), metadata(request));
  }

  /**
   * {@code {"fqns": [...]}} → the caller's permissions on each, in order; an unreadable FQN gets an
   * {@code error} instead of failing the batch.
   */
  private Route canI(HttpRequest request, String text) {
    List<String> fqns = new ArrayList<>();
    try {
      JsonNode body = CanonicalJson.MAPPER.readTree(text);
      JsonNode list = body == null ? null : body.get("fqns");
      if (list == null || !list.isArray()) {
        return reply(failed(RestReplies.invalid("fqns", "is required: a list of FQNs")));
      }
      list.forEach(n -> fqns.add(n.asText()));
    } catch (JsonProcessingException e) {
      return reply(
          failed(RestReplies.invalid("", "the body is not JSON: " + e.getOriginalMessage())));
    }
    if (fqns.size() > MAX_CAN_I) {
      return reply(
          failed(
              RestReplies.invalid(
                  "fqns", "at most " + MAX_CAN_I + " FQNs per call, got " + fqns.size())));
    }
    CompletionStage<HttpResponse> out =
        resolve(request)
            .thenCompose(
                caller -> {
                  List<CompletableFuture<ObjectNode>> each = new ArrayList<>();
                  for (String fqn : fqns) {
                    each.add(check(caller, fqn).toCompletableFuture());
                  }
                  return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                      .thenApply(
                          x -> {
                            ObjectNode root = JsonNodeFactory.instance.objectNode();
                            root.put("principal", caller.principal());
                            ArrayNode results = root.putArray("results");
                            each.forEach(f -> results.add(f.join()));
                            return RestReplies.json(RestReplies.tree(root));
                          });
                });
    return completeWithFuture(out.exceptionally(RestReplies::error));
  }

  private CompletionStage<ObjectNode> check(Caller caller, String text) {
    ObjectNode row = JsonNodeFactory.instance.objectNode();
    row.put("fqn", text);
    ArrayNode perms = row.putArray("permissions");
    Fqn fqn;
    try {
      fqn = Fqn.parse(text);
    } catch (IllegalArgumentException e) {
      row.put("error", e.getMessage());
      return CompletableFuture.completedFuture(row);
    }
    return access
        .permissions(caller.principal(), fqn)
        .thenApply(
            set -> {
              set.stream().map(Enum::name).sorted().forEach(perms::add);
              return row;
            });
  }

  private CompletionStage<Caller> resolve(HttpRequest request) {
    return RestReplies.caller(callers, request);
  }

  /** The HTTP request's credentials and request id as the gRPC façade reads them. */
  static Metadata metadata(HttpRequest request) {
    var b = new MetadataBuilder();
    for (String name :
        List.of(
            CallContext.AUTHORIZATION_HEADER,
            CallContext.USER_HEADER,
            CallContext.REQUEST_ID_HEADER)) {
      request.getHeader(name).ifPresent(h -> b.addText(name, h.value()));
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> CompletionStage<M> parse(
      String text, Message.Builder builder) {
    try {
      JsonFormat.parser().merge(text.isBlank() ? "{}" : text, builder);
      return CompletableFuture.completedFuture((M) builder.build());
    } catch (InvalidProtocolBufferException e) {
      return failed(RestReplies.invalid("", "the body is not a valid request: " + e.getMessage()));
    }
  }

  private static <T> CompletionStage<T> failed(Problem p) {
    return CompletableFuture.failedFuture(new ProblemException(p));
  }

  private static Route reply(CompletionStage<?> failed) {
    return completeWithFuture(
        failed.<HttpResponse>thenApply(x -> null).exceptionally(RestReplies::error));
  }

  static Route body(Function<String, Route> inner) {
    return entity(Unmarshaller.entityToString(), inner);
  }

  static Route call(CompletionStage<? extends MessageOrBuilder> result) {
    return completeWithFuture(
        result.<HttpResponse>thenApply(RestReplies::proto).exceptionally(RestReplies::error));
  }
}
