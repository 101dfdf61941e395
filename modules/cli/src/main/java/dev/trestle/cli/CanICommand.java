package dev.trestle.cli;

import dev.trestle.protocol.v1.CheckAccessResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trestle can-i FQN [--as PRINCIPAL]}: the permissions held on one FQN. */
@Command(
    name = "can-i",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show the permissions you (or another principal) hold on an FQN.",
      "",
      "They come from access bindings on the FQN or on any ancestor. Asking for another",
      "principal (--as) needs SET_POLICY on the FQN.",
      "",
      "  trestle can-i organizations/acme/tenants/payments",
      "  users/alice on organizations/acme/tenants/payments: READ, WRITE",
      "",
      "Permissions: READ, WRITE, CREATE (children), DELETE, SET_POLICY. '/' names the root."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the permissions were shown (also when there are none)",
      "1:the server could not be asked, or refused (--as needs SET_POLICY on FQN)",
      "2:usage error"
    })
final class CanICommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "FQN", description = "The resource ('/' for the root).")
  String fqn;

  @Option(
      names = "--as",
      paramLabel = "PRINCIPAL",
      description = "Ask for users/NAME or serviceaccounts/NAME instead of yourself.")
  String as;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default: one line), json or yaml (the CheckAccess response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    String target = IamNames.target(this, fqn);
    String principal = as == null ? "" : IamNames.principal(this, "--as", as);
    CheckAccessResponse response;
    try (ManagementClient client = connect()) {
      response = client.checkAccess(target, principal);
    }
    if (output != OutputFormat.table) {
      out().print(StructuredOutput.format(response, output));
      return ExitCodes.OK;
    }
    out()
        .println(
            response.getPrincipal()
                + " on "
                + IamNames.label(response.getFqn())
                + ": "
                + (response.getPermissionsCount() == 0
                    ? "no permissions"
                    : Permissions.format(response.getPermissionsList())));
    return ExitCodes.OK;
  }
}
