package dev.trestle.cli;

import dev.trestle.protocol.v1.Permission;
import dev.trestle.protocol.v1.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iam set-role|role}: custom roles. */
final class IamRoleCommands {
  private IamRoleCommands() {}

  /** NAME, PERMISSIONS, KINDS, VERSION ({@code built-in} for the built-in roles). */
  static String table(Role role) {
    return new Table(List.of("NAME", "PERMISSIONS", "KINDS", "VERSION"))
        .row(
            List.of(
                role.getName(),
                Permissions.format(role.getPermissionsList()),
                role.getKindsCount() == 0 ? "(all)" : String.join(", ", role.getKindsList()),
                role.getBuiltIn() ? "built-in" : Long.toString(role.getVersion())))
        .render();
  }

  @Command(
      name = "set-role",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Create or replace a custom role.",
        "",
        "A role is a set of permissions, optionally only for some kinds (a kind-scoped role",
        "grants nothing on other kinds). Built-in roles cannot be changed. Needs SET_POLICY at",
        "the root.",
        "",
        "  trestle iam set-role route-editor --permission read,write --kind ServiceRoute,ts",
        "",
        "Permissions: read, write, create (children), delete, set-policy."
      })
  static final class SetRole extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The role's name, a DNS-1123 label.")
    String name;

    @Option(
        names = "--permission",
        required = true,
        split = ",",
        paramLabel = "PERMISSION",
        description = "read, write, create, delete, set-policy; repeatable, or comma-separated.")
    List<String> permissions;

    @Option(
        names = "--kind",
        split = ",",
        paramLabel = "KIND",
        description =
            "Only these kinds (ServiceRoute, ts, ...); repeatable, or comma-separated."
                + " Default: every kind.")
    List<String> kinds = new ArrayList<>();

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml (the role as stored).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      List<Permission> perms;
      try {
        perms = Permissions.parseAll(permissions);
      } catch (IllegalArgumentException e) {
        throw usage("--permission: " + e.getMessage());
      }
      if (perms.isEmpty()) {
        throw usage("--permission: give at least one");
      }
      var kindNames = new LinkedHashSet<String>();
      for (String k : kinds) {
        if (!k.isBlank()) {
          kindNames.add(k.strip());
        }
      }
      Role role =
          Role.newBuilder()
              .setName(name.strip())
              .addAllPermissions(perms)
              .addAllKinds(kindNames)
              .build();
      Role stored;
      try (ManagementClient client = connect()) {
        stored = client.setRole(role);
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(stored, output));
        return ExitCodes.OK;
      }
      out()
          .println(
              "role "
                  + stored.getName()
                  + " set (version "
                  + stored.getVersion()
                  + "): "
                  + Permissions.format(stored.getPermissionsList())
                  + " on "
                  + (stored.getKindsCount() == 0
                      ? "every kind"
                      : String.join(", ", stored.getKindsList())));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "role",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Show a role, built-in or custom.",
        "",
        "Columns NAME, PERMISSIONS, KINDS ((all) when not scoped), VERSION (built-in for admin,",
        "editor, creator, writer, reader)."
      })
  static final class Show extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The role's name.")
    String name;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml.")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      Role role;
      try (ManagementClient client = connect()) {
        role = client.getRole(name.strip());
      }
      out()
          .print(
              output == OutputFormat.table ? table(role) : StructuredOutput.format(role, output));
      return ExitCodes.OK;
    }
  }
}
