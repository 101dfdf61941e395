package dev.trestle.management;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.protocol.v1.RolloutStage;
import dev.trestle.protocol.v1.RolloutVerification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.regex.Pattern;

/**
 * A revision rollout (docs/upgrades.md): clusters, from/to revision (different DNS labels), 1 to 20
 * uniquely named stages each with namespace names or {@code *} patterns and a pause of at most 24h,
 * and bounds and window of the optional verification.
 */
final class RevisionRolloutRules implements KindRules {
  static final int MAX_STAGES = 20;
  private static final Duration MAX_PAUSE = Duration.ofHours(24);
  private static final Pattern NAMESPACE_PATTERN = Pattern.compile("[a-z0-9*]([-a-z0-9*]{0,62})");

  @Override
  public void check(Resource resource, Checks c) {
    RevisionRolloutSpec spec = resource.getRevisionRollout();
    if (spec.getClustersCount() == 0) {
      c.add("spec.clusters", "is required: cluster names, or [\"*\"] for every cluster");
    }
    for (int i = 0; i < spec.getClustersCount(); i++) {
      if (!spec.getClusters(i).equals("*")) {
        c.name("spec.clusters[" + i + "]", spec.getClusters(i));
      }
    }
    c.duplicates("spec.clusters", spec.getClustersList());
    revision(c, "spec.fromRevision", spec.getFromRevision());
    revision(c, "spec.toRevision", spec.getToRevision());
    if (!spec.getFromRevision().isEmpty() && spec.getFromRevision().equals(spec.getToRevision())) {
      c.add("spec.toRevision", "must differ from fromRevision");
    }
    if (spec.getStagesCount() == 0 || spec.getStagesCount() > MAX_STAGES) {
      c.add("spec.stages", "needs 1 to " + MAX_STAGES + " stages, has " + spec.getStagesCount());
    }
    var names = new ArrayList<String>();
    for (int i = 0; i < spec.getStagesCount(); i++) {
      stage(c, "spec.stages[" + i + "]", spec.getStages(i));
      names.add(spec.getStages(i).getName());
    }
    c.duplicates("spec.stages.name", names);
    if (spec.hasVerification()) {
      verification(c, spec.getVerification());
    }
  }

  private static void revision(Checks c, String field, String value) {
    if (value.isEmpty()) {
      c.add(field, "is required (a revision such as 1-22-1, or a tag such as canary)");
    } else {
      c.name(field, value);
    }
  }

  private static void stage(Checks c, String at, RolloutStage stage) {
    c.name(at + ".name", stage.getName());
    if (stage.getNamespacesCount() == 0) {
      c.add(at + ".namespaces", "is required: namespace names or patterns such as team-*");
    }
    for (int i = 0; i < stage.getNamespacesCount(); i++) {
      String ns = stage.getNamespaces(i);
      if (!NAMESPACE_PATTERN.matcher(ns).matches() || ns.endsWith("-")) {
        c.add(
            at + ".namespaces[" + i + "]",
            "'" + ns + "' is not a namespace name or a pattern of a-z, 0-9, '-' and '*'");
      }
    }
    bounded(c, at + ".pause", stage.getPause(), Duration.ZERO, MAX_PAUSE);
  }

  private static void verification(Checks c, RolloutVerification v) {
    if (v.getMaxErrorRatio() < 0
        || v.getMaxErrorRatio() > 1
        || Double.isNaN(v.getMaxErrorRatio())) {
      c.add("spec.verification.maxErrorRatio", "must be between 0 and 1");
    }
    if (v.getMaxP99Ms() < 0 || Double.isNaN(v.getMaxP99Ms())) {
      c.add("spec.verification.maxP99Ms", "must not be negative");
    }
    if (v.getMaxErrorRatio() == 0 && v.getMaxP99Ms() == 0) {
      c.add("spec.verification", "sets neither maxErrorRatio nor maxP99Ms");
    }
    bounded(
        c, "spec.verification.window", v.getWindow(), Duration.ofMinutes(1), Duration.ofHours(1));
  }

  private static void bounded(Checks c, String field, String text, Duration min, Duration max) {
    if (text.isEmpty()) {
      return;
    }
    var d = Durations.parse(text);
    if (d.isEmpty()) {
      c.duration(field, text);
    } else if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
      c.add(field, "must be between " + min.toSeconds() + "s and " + max.toHours() + "h");
    }
  }
}
