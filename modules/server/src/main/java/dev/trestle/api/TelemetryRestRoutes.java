package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.google.protobuf.Timestamp;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.TimeRange;
import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopologyRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Telemetry over REST (docs/api.md "Telemetry"): {@code GET /api/v1/telemetry/services/{service}},
 * {@code /telemetry/top} and {@code /telemetry/topology}, with the range as query parameters
 * ({@code window} ending now or at {@code end}, or {@code start}/{@code end} in RFC 3339, and
 * {@code step}). Every call goes through {@link TelemetryGrpcService}; bodies are the protobuf JSON
 * mapping of its responses.
 */
public final class TelemetryRestRoutes {

  private final TelemetryGrpcService telemetry;
  private final Clock clock;

  public TelemetryRestRoutes(TelemetryGrpcService telemetry, Clock clock) {
    this.telemetry = telemetry;
    this.clock = clock;
  }

  public Route route() {
    return ApiRoutes.apiV1(
        () ->
            pathPrefix(
                "telemetry",
                () ->
                    get(
                        () ->
                            extractRequest(
                                request -> parameterMap(params -> routes(request, params))))));
  }

  private Route routes(HttpRequest request, Map<String, String> params) {
    Metadata md = IamRestRoutes.metadata(request);
    return concat(
        path(
            segment("services").slash(segment()),
            service ->
                guarded(
                    () ->
                        IamRestRoutes.call(
                            telemetry.serviceTraffic(
                                ServiceTrafficRequest.newBuilder()
                                    .setScope(params.getOrDefault("scope", ""))
                                    .setService(service)
                                    .setCluster(params.getOrDefault("cluster", ""))
                                    .setRange(range(params))
                                    .build(),
                                md)))),
        path(
            "top",
            () ->
                guarded(
                    () ->
                        IamRestRoutes.call(
                            telemetry.topServices(
                                TopServicesRequest.newBuilder()
                                    .setScope(params.getOrDefault("scope", ""))
                                    .setRange(range(params))
                                    .setLimit(limit(params))
                                    .build(),
                                md)))),
        path(
            "topology",
            () ->
                guarded(
                    () ->
                        IamRestRoutes.call(
                            telemetry.topology(
                                TopologyRequest.newBuilder()
                                    .setScope(params.getOrDefault("scope", ""))
                                    .setRange(range(params))
                                    .build(),
                                md)))));
  }

  private interface RouteSupplier {
    Route get();
  }

  /** A bad query parameter answers 400 with what was wrong, before any call. */
  private static Route guarded(RouteSupplier route) {
    try {
      return route.get();
    } catch (ProblemException e) {
      return complete(RestReplies.error(e.problem()));
    }
  }

  private TimeRange range(Map<String, String> params) {
    var b = TimeRange.newBuilder();
    Instant end = params.containsKey("end") ? instant("end", params.get("end")) : null;
    if (end != null) {
      b.setEnd(timestamp(end));
    }
    if (params.containsKey("start")) {
      b.setStart(timestamp(instant("start", params.get("start"))));
    } else if (params.containsKey("window")) {
      Duration window = duration("window", params.get("window"));
      Instant to = end != null ? end : clock.instant();
      b.setStart(timestamp(to.minus(window)));
      if (end == null) {
        b.setEnd(timestamp(to));
      }
    }
    if (params.containsKey("step")) {
      b.setStepSeconds(
          (int) Math.min(Integer.MAX_VALUE, duration("step", params.get("step")).toSeconds()));
    }
    return b.build();
  }

  private static int limit(Map<String, String> params) {
    String text = params.getOrDefault("limit", "0");
    try {
      int n = Integer.parseInt(text);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ProblemException(
          RestReplies.invalid("limit", "'" + text + "' is not a non-negative number"));
    }
  }

  private static Duration duration(String field, String text) {
    return Durations.parse(text)
        .filter(d -> !d.isZero())
        .orElseThrow(
            () ->
                new ProblemException(
                    RestReplies.invalid(
                        field, "'" + text + "' is not a duration such as 30s, 15m or 24h")));
  }

  private static Instant instant(String field, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ProblemException(
          Problem.invalidField(
              field, "'" + text + "' is not an RFC 3339 time (2026-01-31T12:00:00Z)"));
    }
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
