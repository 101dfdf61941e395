package dev.trestle.cli;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The scope and time window of the telemetry verbs: {@code --org ORG}, {@code --tenant ORG/TENANT}
 * or {@code --workspace ORG/TENANT/WS} (default: every organization the caller can see into) and
 * {@code --window 15m} ending now.
 */
final class TelemetryScope {
  static final class Scope {
    @Option(names = "--org", paramLabel = "ORG", description = "One organization.")
    String org;

    @Option(names = "--tenant", paramLabel = "ORG/TENANT", description = "One tenant's workspaces.")
    String tenant;

    @Option(
        names = "--workspace",
        paramLabel = "ORG/TENANT/WS",
        description = "One workspace's namespaces.")
    String workspace;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Scope scope;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How far back from now (default: ${DEFAULT-VALUE}).",
      defaultValue = "15m")
  Duration window;

  /** The scope as an FQN ("" for all); a malformed value fails with what was expected. */
  String fqn() {
    if (scope == null) {
      return "";
    }
    if (scope.org != null) {
      return "organizations/" + parts("--org", scope.org, 1)[0];
    }
    if (scope.tenant != null) {
      String[] p = parts("--tenant", scope.tenant, 2);
      return "organizations/" + p[0] + "/tenants/" + p[1];
    }
    String[] p = parts("--workspace", scope.workspace, 3);
    return "organizations/" + p[0] + "/tenants/" + p[1] + "/workspaces/" + p[2];
  }

  TimeRange range(Instant now, Duration step) {
    var b =
        TimeRange.newBuilder()
            .setStart(Timestamp.newBuilder().setSeconds(now.minus(window).getEpochSecond()))
            .setEnd(Timestamp.newBuilder().setSeconds(now.getEpochSecond()));
    if (step != null) {
      b.setStepSeconds((int) Math.min(Integer.MAX_VALUE, step.toSeconds()));
    }
    return b.build();
  }

  private static String[] parts(String option, String value, int n) {
    String[] p = value.strip().split("/", -1);
    if (p.length != n || Arrays.stream(p).anyMatch(String::isBlank)) {
      String shape = n == 1 ? "ORG" : n == 2 ? "ORG/TENANT" : "ORG/TENANT/WORKSPACE";
      throw new CliException(option + " '" + value + "' must have the form " + shape);
    }
    return p;
  }
}
