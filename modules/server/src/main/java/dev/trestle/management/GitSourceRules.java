package dev.trestle.management;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.GitSourceSpec;
import dev.trestle.protocol.v1.Resource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A git source: where the repository is, which ref and paths, how often, and the guards. Secrets
 * never appear in the spec: a URL with a password is refused and credentials are named by {@code
 * credentialsRef} (server-side configuration).
 */
final class GitSourceRules implements KindRules {
  static final Duration MIN_INTERVAL = Duration.ofSeconds(5);
  private static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git", "file");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}");

  @Override
  public void check(Resource resource, Checks c) {
    GitSourceSpec spec = resource.getGitSource();
    url(spec.getUrl(), c);
    if (!spec.getRef().isEmpty()
        && (!REF.matcher(spec.getRef()).matches()
            || spec.getRef().contains("..")
            || spec.getRef().endsWith("/")
            || spec.getRef().endsWith(".lock"))) {
      c.add("spec.ref", "'" + spec.getRef() + "' is not a branch, tag or commit name");
    }
    for (int i = 0; i < spec.getPathsCount(); i++) {
      String path = spec.getPaths(i);
      if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
        c.add("spec.paths[" + i + "]", "'" + path + "' must be a relative path in the repository");
      } else if (Set.of(path.split("/")).contains("..")) {
        c.add("spec.paths[" + i + "]", "'" + path + "' must not leave the repository ('..')");
      }
    }
    c.duplicates("spec.paths", spec.getPathsList());
    if (!spec.getInterval().isEmpty()) {
      var interval = Durations.parse(spec.getInterval());
      if (interval.isEmpty()) {
        c.duration("spec.interval", spec.getInterval());
      } else if (interval.get().compareTo(MIN_INTERVAL) < 0) {
        c.add("spec.interval", "'" + spec.getInterval() + "' is shorter than the minimum 5s");
      }
    }
    if (spec.getMaxDeletePercent() < 0 || spec.getMaxDeletePercent() > 100) {
      c.add(
          "spec.maxDeletePercent",
          "must be between 1 and 100 (0 for the default 25), was " + spec.getMaxDeletePercent());
    }
    if (!spec.getCredentialsRef().isEmpty()) {
      c.name("spec.credentialsRef", spec.getCredentialsRef());
    }
  }

  private static void url(String url, Checks c) {
    if (url.isEmpty()) {
      c.add("spec.url", "is required (https://, ssh://, git:// or file:// repository URL)");
      return;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      c.add("spec.url", "'" + url + "' is not a URL: " + e.getReason());
      return;
    }
    if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
      c.add("spec.url", "scheme must be one of " + Checks.sorted(SCHEMES) + " in '" + url + "'");
      return;
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.contains(":")) {
      // the URL is not echoed: it holds a secret
      c.add(
          "spec.url",
          "must not carry a password; name server-side credentials in spec.credentialsRef");
    }
  }
}
