package dev.trestle.desiredstate;

import com.typesafe.config.Config;
import dev.trestle.translator.MeshCatalog.Reachability;
import dev.trestle.translator.WafModule;
import java.time.Duration;

/**
 * The desired-state keys ({@code trestle.desired-state.*}, {@code trestle.multicluster.*}), read
 * once.
 *
 * @param deltaHistory how many versions of change rows each cluster keeps: an edge more than this
 *     many versions behind gets a full snapshot instead of a delta
 * @param reachability which remote clusters a cluster gets cross-cluster routes to ({@code
 *     trestle.multicluster.reachability}: all, same-network, none; docs/multicluster.md)
 * @param batchMax at most this many journal events are projected in one transaction
 * @param batchWithin how long the projection waits for more events before it projects what it has
 * @param waf the WAF module WafPolicies run ({@code trestle.policy.waf.url} and {@code .sha256})
 */
public record DesiredStateSettings(
    int deltaHistory,
    Reachability reachability,
    int batchMax,
    Duration batchWithin,
    WafModule waf) {
  static final int DEFAULT_BATCH_MAX = 500;
  static final Duration DEFAULT_BATCH_WITHIN = Duration.ofMillis(10);
  static final String WAF_URL = "trestle.policy.waf.url";
  static final String WAF_SHA256 = "trestle.policy.waf.sha256";

  public DesiredStateSettings {
    if (deltaHistory < 1) {
      throw new IllegalArgumentException(
          "trestle.desired-state.delta-history = " + deltaHistory + " must be at least 1");
    }
    if (reachability == null) {
      reachability = Reachability.ALL;
    }
    if (batchMax < 1) {
      throw new IllegalArgumentException(
          "trestle.desired-state.batch-max = " + batchMax + " must be at least 1");
    }
    if (batchWithin.isNegative() || batchWithin.isZero()) {
      throw new IllegalArgumentException(
          "trestle.desired-state.batch-within = " + batchWithin + " must be positive");
    }
    if (waf == null) {
      waf = WafModule.NONE;
    }
  }

  public DesiredStateSettings(
      int deltaHistory, Reachability reachability, int batchMax, Duration batchWithin) {
    this(deltaHistory, reachability, batchMax, batchWithin, WafModule.NONE);
  }

  public DesiredStateSettings(int deltaHistory, Reachability reachability) {
    this(deltaHistory, reachability, DEFAULT_BATCH_MAX, DEFAULT_BATCH_WITHIN);
  }

  public DesiredStateSettings(int deltaHistory) {
    this(deltaHistory, Reachability.ALL);
  }

  public static DesiredStateSettings from(Config config) {
    String key = "trestle.multicluster.reachability";
    return new DesiredStateSettings(
        config.getInt("trestle.desired-state.delta-history"),
        Reachability.parse(config.hasPath(key) ? config.getString(key) : "all"),
        config.getInt("trestle.desired-state.batch-max"),
        config.getDuration("trestle.desired-state.batch-within"),
        wafModule(config));
  }

  /** Both keys or neither: a URL without its digest is refused at start-up. */
  static WafModule wafModule(Config config) {
    String url = config.hasPath(WAF_URL) ? config.getString(WAF_URL).strip() : "";
    String sha256 = config.hasPath(WAF_SHA256) ? config.getString(WAF_SHA256).strip() : "";
    if (url.isEmpty() != sha256.isEmpty()) {
      throw new IllegalArgumentException(
          WAF_URL
              + " and "
              + WAF_SHA256
              + " must be set together (the module is pinned by digest)");
    }
    if (!sha256.isEmpty() && !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(WAF_SHA256 + " must be 64 lowercase hex digits");
    }
    if (!url.isEmpty() && !url.startsWith("oci://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException(WAF_URL + " must start with oci:// or https://");
    }
    return new WafModule(url, sha256);
  }
}
