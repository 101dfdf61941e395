package dev.trestle.observability;

import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.pekko.grpc.ServiceDescription;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Trailer;
import org.apache.pekko.japi.function.Function;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Counts and times every call on the API port, gRPC and REST alike, as {@code
 * trestle_api_requests_seconds{api, method, status}}. Labels stay bounded: a gRPC method is its
 * full name only when one of the served services declares it, a REST call is its HTTP method and
 * route template (given by the REST API, so this package knows no façade), anything else is {@code
 * other}.
 */
public final class ApiMetrics {
  /** Served by pekko-grpc's ServerReflection, which has no ServiceDescription of ours. */
  private static final String REFLECTION =
      "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final Set<String> grpcMethods = new HashSet<>();
  private final UnaryOperator<String> restRoute;

  /**
   * @param restRoute a REST path → its route template without resource names (one label value per
   *     route)
   */
  public ApiMetrics(
      MeterRegistry registry, List<ServiceDescription> services, UnaryOperator<String> restRoute) {
    this.registry = registry;
    this.restRoute = restRoute;
    for (ServiceDescription service : services) {
      service.descriptor().getServices().stream()
          .filter(s -> s.getFullName().equals(service.name()))
          .flatMap(s -> s.getMethods().stream())
          .forEach(m -> grpcMethods.add(service.name() + "/" + m.getName()));
    }
    grpcMethods.add(REFLECTION);
  }

  /** The same handler, with every call it answers counted and timed. */
  public Function<HttpRequest, CompletionStage<HttpResponse>> wrap(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    return request -> {
      long start = System.nanoTime();
      boolean grpc = isGrpc(request);
      String api = grpc ? "grpc" : "rest";
      String method = grpc ? grpcMethod(request) : restMethod(request);
      CompletionStage<HttpResponse> response;
      try {
        response = handler.apply(request);
      } catch (Exception e) {
        record(api, method, grpc ? Status.Code.INTERNAL.name() : "500", start);
        throw e;
      }
      return response
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  // pekko-http answers 500 for a failed handler future.
                  record(api, method, grpc ? Status.Code.INTERNAL.name() : "500", start);
                }
              })
          .thenApply(r -> grpc ? meterGrpc(r, method, start) : meterRest(r, method, start));
    };
  }

  private HttpResponse meterRest(HttpResponse response, String method, long start) {
    record("rest", method, String.valueOf(response.status().intValue()), start);
    return response;
  }

  /**
   * A gRPC status is in the headers (trailers-only response), in the response's trailer attribute
   * (pekko-grpc's unary replies) or in the last chunk of a streamed body; the call is timed to the
   * moment its status is known.
   */
  private HttpResponse meterGrpc(HttpResponse response, String method, long start) {
    Optional<String> status =
        statusIn(response.getHeaders())
            .or(() -> response.getAttribute(AttributeKeys.trailer).flatMap(ApiMetrics::statusIn));
    if (status.isPresent()) {
      record("grpc", method, status.get(), start);
      return response;
    }
    if (response.entity() instanceof HttpEntity.Chunked chunked) {
      var recorded = new AtomicBoolean();
      var parts =
          chunked
              .getChunks()
              .map(
                  part -> {
                    if (part.isLastChunk() && !recorded.get()) {
                      statusIn(part.getTrailerHeaders())
                          .ifPresent(
                              s -> {
                                recorded.set(true);
                                record("grpc", method, s, start);
                              });
                    }
                    return part;
                  })
              .watchTermination(
                  (mat, done) -> {
                    done.whenComplete(
                        (d, e) -> {
                          if (!recorded.getAndSet(true)) {
                            // The stream ended (or the client went away) without a status trailer.
                            record(
                                "grpc",
                                method,
                                (e == null ? Status.Code.UNKNOWN : Status.Code.CANCELLED).name(),
                                start);
                          }
                        });
                    return mat;
                  });
      // The Java API has no factory for a chunked entity from parts (with their trailer).
      return response.withEntity(
          org.apache.pekko.http.scaladsl.model.HttpEntity.Chunked$.MODULE$.apply(
              (org.apache.pekko.http.scaladsl.model.ContentType) chunked.getContentType(),
              parts
                  .map(p -> (org.apache.pekko.http.scaladsl.model.HttpEntity.ChunkStreamPart) p)
                  .asScala()));
    }
    record("grpc", method, Status.Code.UNKNOWN.name(), start);
    return response;
  }

  private void record(String api, String method, String status, long start) {
    Timer.builder("trestle.api.requests")
        .description("API calls on the API port by protocol, gRPC method or REST route, and status")
        .tags("api", api, "method", method, "status", status)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  private static boolean isGrpc(HttpRequest request) {
    var type = request.entity().getContentType().mediaType();
    return type.mainType().equals("application") && type.subType().startsWith("grpc");
  }

  private String grpcMethod(HttpRequest request) {
    String path = request.getUri().path();
    String name = path.startsWith("/") ? path.substring(1) : path;
    return grpcMethods.contains(name) ? name : "other";
  }

  private String restMethod(HttpRequest request) {
    String verb = request.method().value();
    return (HTTP_METHODS.contains(verb) ? verb : "OTHER")
        + " "
        + restRoute.apply(request.getUri().path());
  }

  private static Optional<String> statusIn(Iterable<HttpHeader> headers) {
    for (HttpHeader h : headers) {
      if (h.is("grpc-status")) {
        return Optional.of(codeName(h.value()));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> statusIn(Trailer trailer) {
    var scalaTrailer = (org.apache.pekko.http.scaladsl.model.Trailer) trailer;
    for (var pair : CollectionConverters.asJava(scalaTrailer.headers())) {
      if (pair._1().equalsIgnoreCase("grpc-status")) {
        return Optional.of(codeName(pair._2()));
      }
    }
    return Optional.empty();
  }

  private static String codeName(String value) {
    try {
      return Status.fromCodeValue(Integer.parseInt(value.strip())).getCode().name();
    } catch (NumberFormatException e) {
      return Status.Code.UNKNOWN.name();
    }
  }
}
