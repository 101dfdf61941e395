package dev.trestle.cli;

import dev.trestle.protocol.v1.WhoAmIResponse;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle whoami}: who the server says the caller is, and how it was authenticated. */
@Command(
    name = "whoami",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show who the server takes you for and how you were authenticated.",
      "",
      "Also where the token came from (--token-file, $TRESTLE_TOKEN or the CLI config) and how",
      "the server was reached. The token itself is never shown.",
      "",
      "  principal:      users/alice",
      "  authenticated:  token from the CLI config /home/alice/.config/trestle/cli.yaml",
      "  server:         trestle.example.com:9080 (TLS, trusting the system's CAs)"
    })
final class WhoAmICommand extends ClientCommand {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the WhoAmI response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    ManagementClient.Connection connection = connection();
    WhoAmIResponse me;
    try (ManagementClient client = connect(connection)) {
      me = client.whoAmI();
    }
    if (output != OutputFormat.table) {
      out().print(StructuredOutput.format(me, output));
      return ExitCodes.OK;
    }
    out().println("principal:      " + me.getPrincipal());
    out().println("authenticated:  " + how(me, connection.credential()));
    out().println("server:         " + connection.address() + " (" + connection.transport() + ")");
    return ExitCodes.OK;
  }

  private static String how(WhoAmIResponse me, Optional<Credential> credential) {
    if ("insecure-dev".equals(me.getAuthenticatedBy())) {
      return "insecure-dev: the server checks no tokens; every caller is an admin";
    }
    String method = me.getAuthenticatedBy().isEmpty() ? "token" : me.getAuthenticatedBy();
    if (me.hasOidc()) {
      var oidc = me.getOidc();
      method +=
          " (issuer "
              + oidc.getIssuer()
              + ", subject "
              + oidc.getSubject()
              + ", groups "
              + (oidc.getGroupsList().isEmpty() ? "none" : String.join(", ", oidc.getGroupsList()))
              + ")";
    }
    String how = method;
    return credential.map(c -> how + " from " + c.source()).orElse(how);
  }
}
