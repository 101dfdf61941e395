package dev.trestle.cli;

import picocli.CommandLine.Command;

/** {@code trestle iam VERB}: principals, tokens, roles and access bindings. */
@Command(
    name = "iam",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Identity and access management: principals and their tokens, roles, access bindings.",
      "",
      "  trestle iam create-user alice",
      "  trestle iam issue-token users/alice --description laptop --out-file alice.token",
      "  trestle iam bind organizations/acme/tenants/payments --role reader --subject users/alice",
      "  trestle iam bindings organizations/acme/tenants/payments",
      "  trestle iam set-role route-editor --permission read,write --kind ServiceRoute",
      "  trestle can-i organizations/acme/tenants/payments --as users/alice",
      "",
      "Bindings on an FQN apply to everything below it; '/' names the root. Built-in roles:",
      "admin (all), editor (READ WRITE CREATE DELETE), creator (READ CREATE), writer (READ",
      "WRITE), reader (READ). Managing principals, tokens and roles needs SET_POLICY at the",
      "root; bindings need SET_POLICY on their target and may grant only what you hold there."
    },
    subcommands = {
      IamPrincipalCommands.CreateUser.class,
      IamPrincipalCommands.CreateServiceAccount.class,
      IamPrincipalCommands.Show.class,
      IamPrincipalCommands.IssueToken.class,
      IamPrincipalCommands.RevokeToken.class,
      IamBindingCommands.Show.class,
      IamBindingCommands.Bind.class,
      IamBindingCommands.Unbind.class,
      IamRoleCommands.SetRole.class,
      IamRoleCommands.Show.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure: refused by the server (unauthenticated, permission denied, not found, ...),",
      "  :or the server could not be reached",
      "2:usage error"
    })
final class IamCommand extends VerbGroup {
  @Override
  String missing() {
    return "iam verb";
  }
}
