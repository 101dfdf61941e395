package dev.trestle.cli;

import dev.trestle.protocol.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * {@code --org/--tenant/--workspace/--group}: where a NAME lives, defaulted from the CLI config.
 */
public final class ParentOptions {
  private static final String ORG = "--org";
  private static final String TENANT = "--tenant";
  private static final String WORKSPACE = "--workspace";
  private static final String GROUP = "--group";

  /** The flag that names each parent kind: the one table the options and messages use. */
  private static final Map<Kind, String> FLAGS =
      Map.of(
          Kind.ORGANIZATION,
          ORG,
          Kind.TENANT,
          TENANT,
          Kind.WORKSPACE,
          WORKSPACE,
          Kind.GROUP,
          GROUP);

  @Option(
      names = {ORG, "--organization"},
      paramLabel = "ORG",
      description = "Organization name.")
  String organization;

  @Option(names = TENANT, paramLabel = "TENANT", description = "Tenant name.")
  String tenant;

  @Option(
      names = {WORKSPACE, "--ws"},
      paramLabel = "WORKSPACE",
      description = "Workspace name.")
  String workspace;

  @Option(names = GROUP, paramLabel = "GROUP", description = "Group name.")
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

  /** The flags that name {@code kinds}, e.g. "--org/--tenant", for messages. */
  static String flags(List<Kind> kinds) {
    return kinds.stream().map(FLAGS::get).collect(Collectors.joining("/"));
  }

  private static Optional<String> opt(String s) {
    return Optional.ofNullable(s).map(String::strip).filter(v -> !v.isEmpty());
  }
}
