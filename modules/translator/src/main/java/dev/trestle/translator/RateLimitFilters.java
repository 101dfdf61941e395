package dev.trestle.translator;

import static dev.trestle.translator.EnvoyFilters.obj;
import static dev.trestle.translator.EnvoyFilters.typed;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.GlobalRateLimit;
import dev.trestle.protocol.v1.LocalRateLimit;
import dev.trestle.protocol.v1.RateLimitKey;
import dev.trestle.protocol.v1.RateLimitRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Envoy configuration of a Trestle rate limit: the local token bucket ({@code
 * envoy.filters.http.local_ratelimit}) and, for global limits, the {@code
 * envoy.filters.http.ratelimit} filter calling the rate-limit service plus the route actions that
 * build each rule's descriptor. Every rule's descriptor starts with the entry {@code trestle-rule =
 * <scope>-<rule>}, so rules of different routes never share a bucket and the service configuration
 * ({@link RateLimitService}) needs no merging.
 */
public final class RateLimitFilters {
  /** Envoy refuses a local token bucket refilled more often (the validator refuses it too). */
  public static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);

  static final String LOCAL = "envoy.filters.http.local_ratelimit";
  static final String GLOBAL = "envoy.filters.http.ratelimit";
  static final String LOCAL_TYPE =
      "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";
  static final String GLOBAL_TYPE = "envoy.extensions.filters.http.ratelimit.v3.RateLimit";
  static final String RULE_KEY = "trestle-rule";
  static final String JWT_METADATA = "envoy.filters.http.jwt_authn";
  static final String DEFAULT_DOMAIN = "trestle";
  static final int DEFAULT_PORT = 8081;

  private RateLimitFilters() {}

  /** The local filter as an HTTP filter: enabled, but without a bucket of its own. */
  static Map<String, Object> localFilter(String statPrefix) {
    return obj("name", LOCAL, "typed_config", typed(LOCAL_TYPE, obj("stat_prefix", statPrefix)));
  }

  /** The local filter with a bucket, enforced on every request it sees. */
  static Map<String, Object> localConfig(String statPrefix, LocalRateLimit limit) {
    long burst = limit.getBurst() == 0 ? limit.getRequests() : limit.getBurst();
    Map<String, Object> always =
        obj("default_value", obj("numerator", 100, "denominator", "HUNDRED"), "runtime_key", "");
    return typed(
        LOCAL_TYPE,
        obj(
            "stat_prefix",
            statPrefix,
            "token_bucket",
            obj(
                "max_tokens",
                burst,
                "tokens_per_fill",
                limit.getRequests(),
                "fill_interval",
                Durations.normalize(limit.getInterval()).orElseThrow()),
            "filter_enabled",
            withRuntimeKey(always, "local_rate_limit_enabled"),
            "filter_enforced",
            withRuntimeKey(always, "local_rate_limit_enforced"),
            "response_headers_to_add",
            List.of(
                obj(
                    "append_action",
                    "OVERWRITE_IF_EXISTS_OR_ADD",
                    "header",
                    obj("key", "x-trestle-rate-limited", "value", "local")))));
  }

  private static Map<String, Object> withRuntimeKey(Map<String, Object> base, String key) {
    var out = obj();
    out.putAll(base);
    out.put("runtime_key", key);
    return out;
  }

  /** The global filter, calling the limit's service over gRPC. */
  static Map<String, Object> globalFilter(GlobalRateLimit limit, String serviceCluster) {
    return obj(
        "name",
        GLOBAL,
        "typed_config",
        typed(
            GLOBAL_TYPE,
            obj(
                "domain",
                domain(limit),
                "failure_mode_deny",
                limit.getFailClosed(),
                "timeout",
                "0.250s",
                "rate_limit_service",
                obj(
                    "grpc_service",
                    obj("envoy_grpc", obj("cluster_name", serviceCluster)),
                    "transport_api_version",
                    "V3"))));
  }

  static String domain(GlobalRateLimit limit) {
    return limit.getDomain().isEmpty() ? DEFAULT_DOMAIN : limit.getDomain();
  }

  static int port(GlobalRateLimit limit) {
    return limit.getPort() == 0 ? DEFAULT_PORT : limit.getPort();
  }

  /** Envoy's name of the cluster Istio builds for a service port. */
  static String outboundCluster(ServiceRef service, int port) {
    return "outbound|" + port + "||" + service.host();
  }

  /** The value of a rule's first descriptor entry. */
  static String ruleValue(String scope, RateLimitRule rule) {
    return scope + "-" + rule.getName();
  }

  /** One {@code rate_limits} entry per rule: the rule's entry, then one per key. */
  static List<Object> rateLimits(String scope, GlobalRateLimit limit) {
    var out = new ArrayList<Object>();
    for (RateLimitRule rule : limit.getRulesList()) {
      var actions = new ArrayList<Object>();
      actions.add(
          obj(
              "generic_key",
              obj("descriptor_key", RULE_KEY, "descriptor_value", ruleValue(scope, rule))));
      for (RateLimitKey key : rule.getKeysList()) {
        actions.add(action(key));
      }
      out.add(obj("actions", actions));
    }
    return out;
  }

  /** The descriptor key each kind of key produces (the service configuration matches on it). */
  static String descriptorKey(RateLimitKey key) {
    return switch (key.getKeyCase()) {
      case HEADER -> "header-" + key.getHeader();
      case REMOTE_ADDRESS -> "remote_address";
      case PATH -> "path";
      case CLAIM -> "claim-" + key.getClaim().getName();
      case KEY_NOT_SET -> throw new IllegalArgumentException("a rate-limit key without a kind");
    };
  }

  private static Map<String, Object> action(RateLimitKey key) {
    return switch (key.getKeyCase()) {
      case HEADER ->
          obj(
              "request_headers",
              obj("header_name", key.getHeader(), "descriptor_key", descriptorKey(key)));
      case REMOTE_ADDRESS -> obj("remote_address", obj());
      case PATH ->
          obj("request_headers", obj("header_name", ":path", "descriptor_key", descriptorKey(key)));
      case CLAIM ->
          obj(
              "metadata",
              obj(
                  "descriptor_key",
                  descriptorKey(key),
                  "metadata_key",
                  obj(
                      "key",
                      JWT_METADATA,
                      "path",
                      List.of(
                          obj("key", key.getClaim().getIssuer()),
                          obj("key", key.getClaim().getName()))),
                  "source",
                  "DYNAMIC"));
      case KEY_NOT_SET -> throw new IllegalArgumentException("a rate-limit key without a kind");
    };
  }
}
