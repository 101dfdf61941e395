package dev.trestle.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.v1.WhoAmIResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle login}: checks a token with the server and saves it in the CLI config. */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check a bearer token with the server and save it in the CLI config.",
      "",
      "Later commands send the saved token. The server address and its TLS settings (--ca-file",
      "or --tls) are saved as they were used for the check (WhoAmI). The config file is written",
      "with mode 0600 (its directories created 0700); its other keys are kept, comments are not.",
      "",
      "  trestle login --token-file data/admin.token          the first admin token",
      "  trestle login --server trestle.example.com:9080 --ca-file ca.pem --token-file t",
      "  trestle login --token-stdin < alice.token",
      "",
      "Nothing is saved when the server refuses the token."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:logged in; the CLI config was written",
      "1:the token was refused, the server could not be reached, or the config not written",
      "2:usage error"
    })
final class LoginCommand extends ClientCommand {
  @Option(
      names = "--token-stdin",
      description = "Read the token from standard input (instead of --token-file FILE).")
  boolean tokenStdin;

  @Override
  boolean configMayBeMissing() {
    return true;
  }

  @Override
  String refusedTokenHint() {
    return "nothing was saved";
  }

  @Override
  public Integer call() {
    ClientOptions o = effectiveOptions();
    if (tokenStdin == o.tokenFile().isPresent()) {
      throw usage(
          tokenStdin
              ? "give either --token-file or --token-stdin, not both"
              : "login needs --token-file FILE or --token-stdin");
    }
    Credential token = tokenStdin ? fromStdin() : credential().orElseThrow();
    Path configPath = configLocation().path();
    CliConfigFile.read(configPath); // refuse a config we could not rewrite before calling
    ManagementClient.Connection connection = connection().withCredential(token);
    WhoAmIResponse me;
    try (ManagementClient client = connect(connection)) {
      me = client.whoAmI();
    }
    Transport transport = connection.transport();
    CliConfigFile.update(
        configPath,
        tree -> {
          tree.put("server", connection.address().toString());
          tree.put("token", token.token());
          tree.remove("token-file");
          store(tree, transport);
        });
    out().println("logged in to " + connection.address() + " as " + me.getPrincipal());
    if ("insecure-dev".equals(me.getAuthenticatedBy())) {
      err()
          .println(
              "note: the server runs in insecure-dev mode: it checks no tokens, everyone is an"
                  + " admin");
    }
    err().println("saved in " + configPath + " (mode 0600)");
    return ExitCodes.OK;
  }

  private static void store(ObjectNode tree, Transport transport) {
    tree.remove("tls");
    tree.remove("ca-file");
    if (transport.caFile().isPresent()) {
      tree.put("ca-file", transport.caFile().get().toAbsolutePath().normalize().toString());
    } else if (transport.tls()) {
      tree.put("tls", true);
    }
  }

  private Credential fromStdin() {
    try {
      byte[] bytes = root().environment().stdin().readNBytes(64 * 1024);
      return Credential.of(new String(bytes, StandardCharsets.UTF_8), "standard input");
    } catch (IOException e) {
      throw new CliException("cannot read the token from standard input: " + e.getMessage(), e);
    }
  }
}
