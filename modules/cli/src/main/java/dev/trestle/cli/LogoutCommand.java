package dev.trestle.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle logout}: removes the token from the CLI config (and, asked to, revokes it). */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Remove the saved token from the CLI config.",
      "",
      "Removes 'token' or 'token-file'; the other keys stay. The token itself stays valid until",
      "it is revoked: --revoke revokes it on the server first (a principal may always revoke",
      "its own tokens)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the config holds no token any more (also when it held none)",
      "1:the config could not be written, or --revoke failed (then nothing was removed)",
      "2:usage error"
    })
final class LogoutCommand extends ClientCommand {
  @Option(names = "--revoke", description = "Revoke the saved token on the server first.")
  boolean revoke;

  @Override
  boolean configMayBeMissing() {
    return true;
  }

  @Override
  public Integer call() {
    Path configPath = configLocation().path();
    CliConfig c = config();
    if (c.token().isEmpty() && c.tokenFile().isEmpty()) {
      out().println("not logged in: " + configPath + " holds no token");
      warnAboutEnvironment();
      return ExitCodes.OK;
    }
    Optional<Credential> saved = savedCredential(c, configPath);
    Optional<Credential.TokenName> name = saved.flatMap(Credential::name);
    if (revoke) {
      if (name.isEmpty()) {
        throw new CliException(
            "cannot tell which token to revoke (the saved token is not a Trestle token);"
                + " nothing was removed");
      }
      try (ManagementClient client = connect(connection().withCredential(saved.get()))) {
        client.revokeToken(name.get().principal(), name.get().tokenId());
      } catch (StatusRuntimeException e) {
        throw new CliException(describe(e) + "; nothing was removed", e);
      }
    }
    CliConfigFile.update(
        configPath,
        (ObjectNode tree) -> {
          tree.remove("token");
          tree.remove("token-file");
        });
    out().println("logged out: removed the token from " + configPath);
    if (revoke) {
      out().println("revoked token " + name.get().tokenId() + " of " + name.get().principal());
    } else if (name.isPresent() && c.token().isPresent()) {
      err()
          .println(
              "note: the token stays valid until revoked: trestle iam revoke-token "
                  + name.get().principal()
                  + " "
                  + name.get().tokenId());
    }
    warnAboutEnvironment();
    return ExitCodes.OK;
  }

  /** The token the config names (not --token-file or $TRESTLE_TOKEN). */
  private Optional<Credential> savedCredential(CliConfig c, Path configPath) {
    try {
      if (c.token().isPresent()) {
        return Optional.of(Credential.of(c.token().get(), "the CLI config " + configPath));
      }
      Path file = c.tokenFile().get();
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      return Optional.of(Credential.fromFile(file, "token-file " + file));
    } catch (CliException unreadable) {
      if (revoke) {
        throw unreadable;
      }
      return Optional.empty();
    }
  }

  private void warnAboutEnvironment() {
    if (root().environment().variable(TOKEN_VARIABLE).isPresent()) {
      err().println("note: $" + TOKEN_VARIABLE + " is still set; later commands will send it");
    }
  }
}
