package dev.trestle.gitops;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reconciler's keys ({@code trestle.gitops.*}): whether it runs, how often it looks for
 * GitSource resources, where the bare repositories are cached, how long a fetch may take, and the
 * named credentials sources refer to ({@code credentials.NAME.username/password}).
 */
public record GitOpsSettings(
    boolean enabled,
    Duration scanInterval,
    Path cacheDir,
    Duration fetchTimeout,
    Map<String, GitCredential> credentials) {

  public GitOpsSettings {
    credentials = Map.copyOf(credentials);
    if (scanInterval.isNegative() || scanInterval.isZero()) {
      throw new IllegalArgumentException("trestle.gitops.scan-interval must be positive");
    }
  }

  /** {@code config} is the root configuration; relative cache dirs resolve against data-dir. */
  public static GitOpsSettings from(Config config, Path dataDir) {
    Config g = config.getConfig("trestle.gitops");
    var credentials = new TreeMap<String, GitCredential>();
    Config named = g.getConfig("credentials");
    for (String name : named.root().keySet()) {
      Config c = named.getConfig(name);
      credentials.put(
          name,
          new GitCredential(
              c.hasPath("username") ? c.getString("username") : "",
              c.hasPath("password") ? c.getString("password") : ""));
    }
    return new GitOpsSettings(
        g.getBoolean("enabled"),
        g.getDuration("scan-interval"),
        dataDir.resolve(g.getString("cache-dir")),
        g.getDuration("fetch-timeout"),
        credentials);
  }
}
