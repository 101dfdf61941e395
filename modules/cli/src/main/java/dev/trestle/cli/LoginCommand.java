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
      "With --oidc-device the token comes from the OpenID Connect issuer the server trusts",
      "(trestle.iam.oidc.issuer), by the device-code login (RFC 8628): the CLI prints a URL and a",
      "code, you approve in a browser, the CLI polls the issuer and saves the ID token it gets",
      "(its access token when it returns no ID token). No refresh token is kept: log in again",
      "when the token expires.",
      "",
      "  trestle login --oidc-device --oidc-issuer https://login.example.com --oidc-client-id"
          + " trestle",
      "",
      "Nothing is saved when the server refuses the token. The token is never printed."
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

  @Option(
      names = "--oidc-device",
      description =
          "Log in at the OpenID Connect issuer with the device-code flow (instead of a token).")
  boolean oidcDevice;

  @Option(
      names = "--oidc-issuer",
      paramLabel = "URL",
      description =
          "The issuer for --oidc-device, exactly as the server's trestle.iam.oidc.issuer (default:"
              + " $TRESTLE_OIDC_ISSUER). https, or http to a loopback address.")
  String oidcIssuer;

  @Option(
      names = "--oidc-client-id",
      paramLabel = "ID",
      description =
          "The client registered at the issuer for the device flow (default:"
              + " $TRESTLE_OIDC_CLIENT_ID); ID tokens carry it as audience, so the server's"
              + " trestle.iam.oidc.audience is usually this id.")
  String oidcClientId;

  @Option(
      names = "--oidc-scope",
      paramLabel = "SCOPES",
      defaultValue = "openid",
      description =
          "Scopes asked for with --oidc-device, space-separated (default: ${DEFAULT-VALUE}; add"
              + " e.g. 'groups' when the issuer needs it to put groups in the token).")
  String oidcScope;

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
    if (oidcDevice && (tokenStdin || o.tokenFile().isPresent())) {
      throw usage(
          "--oidc-device gets the token from the issuer: give no --token-file/--token-stdin");
    }
    if (!oidcDevice && (oidcIssuer != null || oidcClientId != null)) {
      throw usage("--oidc-issuer and --oidc-client-id go with --oidc-device");
    }
    if (!oidcDevice && tokenStdin == o.tokenFile().isPresent()) {
      throw usage(
          tokenStdin
              ? "give either --token-file or --token-stdin, not both"
              : "login needs --token-file FILE or --token-stdin (or --oidc-device)");
    }
    Path configPath = configLocation().path();
    if (oidcDevice) {
      CliConfigFile.read(configPath); // before the user approves a login we could not save
    }
    Credential token =
        oidcDevice ? fromIssuer() : tokenStdin ? fromStdin() : credential().orElseThrow();
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

  /** The device-code login (RFC 8628); the prompt goes to standard error. */
  private Credential fromIssuer() {
    CliEnvironment env = root().environment();
    String issuer =
        oidcIssuer != null ? oidcIssuer : env.variable("TRESTLE_OIDC_ISSUER").orElse(null);
    String clientId =
        oidcClientId != null ? oidcClientId : env.variable("TRESTLE_OIDC_CLIENT_ID").orElse(null);
    var login = new DeviceCodeLogin(timeout(), d -> Thread.sleep(d.toMillis()));
    DeviceCodeLogin.Result result =
        login.login(
            issuer,
            clientId,
            oidcScope,
            prompt -> {
              err()
                  .println(
                      "To log in, open "
                          + prompt.verificationUri()
                          + " and enter the code "
                          + prompt.userCode());
              if (!prompt.verificationUriComplete().isEmpty()) {
                err().println("  (or open " + prompt.verificationUriComplete() + ")");
              }
              err()
                  .println(
                      "Waiting for the approval (the code is valid "
                          + prompt.expiresIn().toSeconds()
                          + " s)...");
              err().flush();
            });
    return Credential.of(result.token(), "the OIDC issuer's " + result.tokenType());
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
