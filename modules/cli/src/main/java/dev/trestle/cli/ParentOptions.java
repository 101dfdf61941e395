package dev.trestle.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --org/--tenant/--workspace/--group}: where a NAME lives, defaulted from the CLI config.
 */
public final class ParentOptions {
  @Option(
      names = {"--org", "--organization"},
      paramLabel = "ORG",
      description = "Organization name.")
  String organization;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Tenant name.")
  String tenant;

  @Option(
      names = {"--workspace", "--ws"},
      paramLabel = "WORKSPACE",
      description = "Workspace name.")
  String workspace;

  @Option(names = "--group", paramLabel = "GROUP", description = "Group name.")
  String group;

  @Option(
      names = {"-A", "--all-parents"},
      description =
          "Ignore the default organization/tenant/workspace/group of the CLI config; use only the"
              + " flags given.")
  boolean ignoreDefaults;

  /** The names from the flags, completed by the config defaults unless {@code -A}. */
  ParentNames resolve(ParentNames configDefaults) {
    ParentNames explicit =
        new ParentNames(opt(organization), opt(tenant), opt(workspace), opt(group));
    return ignoreDefaults ? explicit : explicit.withDefaults(configDefaults);
  }

  private static Optional<String> opt(String s) {
    return Optional.ofNullable(s).map(String::strip).filter(v -> !v.isEmpty());
  }
}
