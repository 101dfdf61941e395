package dev.trestle.cli;

import dev.trestle.protocol.v1.IssueTokenResponse;
import dev.trestle.protocol.v1.Principal;
import dev.trestle.protocol.v1.TokenInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iam create-user|create-sa|principal|issue-token (create-token)|revoke-token}. */
final class IamPrincipalCommands {
  private IamPrincipalCommands() {}

  /** Shared by create-user and create-sa. */
  abstract static class Create extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "A DNS-1123 label.")
    String name;

    @Option(names = "--display-name", paramLabel = "TEXT", description = "A human-readable name.")
    String displayName = "";

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default: one line), json or yaml (the new principal).")
    OutputFormat output = OutputFormat.table;

    abstract String prefix();

    @Override
    public Integer call() {
      String full = IamNames.named(this, prefix(), name);
      Principal created;
      try (ManagementClient client = connect()) {
        created = client.createPrincipal(full, displayName.strip());
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(created, output));
      } else {
        out().println("created " + created.getName());
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "create-user",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Create a user, the principal users/NAME.",
        "",
        "It can do nothing until it has a token ('iam issue-token') and a binding ('iam bind')."
      })
  static final class CreateUser extends Create {
    @Override
    String prefix() {
      return IamNames.USERS;
    }
  }

  @Command(
      name = "create-sa",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Create a service account, serviceaccounts/NAME, for automation.",
        "",
        "Give each automation (CI, scripts) its own, with its own token."
      })
  static final class CreateServiceAccount extends Create {
    @Override
    String prefix() {
      return IamNames.SERVICE_ACCOUNTS;
    }
  }

  @Command(
      name = "principal",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Show a principal and its tokens (ids, never secrets).",
        "",
        "Anyone may show themselves; others need SET_POLICY at the root.",
        "",
        "Token columns: ID, ISSUED (RFC 3339, UTC), ISSUED BY, EXPIRES ('never' when the token",
        "does not expire), LAST USED (recorded at most once a minute, so up to a minute stale;",
        "'-' when never used), STATE (active, expired, revoked), DESCRIPTION."
      })
  static final class Show extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "PRINCIPAL",
        description = "users/NAME or serviceaccounts/NAME.")
    String principal;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml (the principal).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      String name = IamNames.principal(this, "PRINCIPAL", principal);
      Principal p;
      try (ManagementClient client = connect()) {
        p = client.getPrincipal(name);
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(p, output));
        return ExitCodes.OK;
      }
      out().print(render(p, root().environment().clock().instant()));
      return ExitCodes.OK;
    }

    static String render(Principal p, Instant now) {
      var sb = new StringBuilder();
      sb.append("name:          ").append(p.getName()).append('\n');
      if (!p.getDisplayName().isEmpty()) {
        sb.append("display name:  ").append(RemoteErrors.oneLine(p.getDisplayName())).append('\n');
      }
      String created = AuditTables.time(p.hasCreateTime() ? p.getCreateTime() : null);
      sb.append("created:       ")
          .append(created.isEmpty() ? "-" : created)
          .append(p.getCreatedBy().isEmpty() ? "" : " by " + p.getCreatedBy())
          .append('\n');
      if (p.getDisabled()) {
        sb.append("disabled:      yes\n");
      }
      sb.append("version:       ").append(p.getVersion()).append('\n');
      if (p.getTokensCount() == 0) {
        sb.append("tokens:        none\n");
        return sb.toString();
      }
      sb.append("tokens:\n");
      var table =
          new Table(
              List.of("ID", "ISSUED", "ISSUED BY", "EXPIRES", "LAST USED", "STATE", "DESCRIPTION"));
      for (TokenInfo t : p.getTokensList()) {
        table.row(
            List.of(
                t.getId(),
                AuditTables.time(t.hasIssueTime() ? t.getIssueTime() : null),
                t.getIssuedBy(),
                t.hasExpireTime() ? AuditTables.time(t.getExpireTime()) : "never",
                AuditTables.time(t.hasLastUseTime() ? t.getLastUseTime() : null),
                state(t, now),
                RemoteErrors.oneLine(t.getDescription())));
      }
      table.render().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
      return sb.toString();
    }

    private static String state(TokenInfo t, Instant now) {
      if (t.getRevoked()) {
        return "revoked";
      }
      if (t.hasExpireTime()
          && !now.isBefore(
              Instant.ofEpochSecond(
                  t.getExpireTime().getSeconds(), t.getExpireTime().getNanos()))) {
        return "expired";
      }
      return "active";
    }
  }

  @Command(
      name = "issue-token",
      aliases = "create-token",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Issue a new bearer token for a principal; it is shown once.",
        "",
        "With --ttl the token expires that long after it is issued (e.g. 24h, 90m; at most",
        "3660 days); after that it is refused with 'token expired at ...'. Without --ttl it is",
        "valid until revoked.",
        "",
        "The token is printed alone on stdout, or written to --out-file (created with mode 0600;",
        "an existing file is never overwritten). The server keeps only its hash; 'iam principal'",
        "lists token ids. Needs SET_POLICY at the root.",
        "",
        "  trestle iam issue-token serviceaccounts/ci --description 'GitHub Actions' --out-file"
            + " ci.token",
        "  trestle iam create-token users/alice --ttl 24h --description 'on-call laptop'",
        "  trestle iam issue-token users/alice | ssh alice@host 'trestle login --token-stdin'"
      })
  static final class IssueToken extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "PRINCIPAL",
        description = "users/NAME or serviceaccounts/NAME.")
    String principal;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
    String description = "";

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Expire the token this long after issuing it (e.g. 24h). Default: never.")
    Duration ttl;

    @Option(
        names = "--out-file",
        paramLabel = "FILE",
        description = "Write the token to FILE (new, mode 0600) instead of stdout.")
    Path outFile;

    @Override
    public Integer call() {
      String name = IamNames.principal(this, "PRINCIPAL", principal);
      IssueTokenResponse issued =
          SecretFile.issueInto(
              outFile,
              () -> {
                try (ManagementClient client = connect()) {
                  return client.issueToken(name, description.strip(), ttl);
                }
              });
      String expiry =
          issued.hasExpireTime()
              ? " (expires at " + AuditTables.time(issued.getExpireTime()) + ")"
              : "";
      if (outFile == null) {
        out().println(issued.getToken());
        err()
            .println(
                "issued token "
                    + issued.getTokenId()
                    + " for "
                    + name
                    + expiry
                    + "; it is shown only now: store it safely");
        return ExitCodes.OK;
      }
      SecretFile.write(
          outFile,
          issued.getToken(),
          "token " + issued.getTokenId() + " for " + name,
          "trestle iam revoke-token " + name + " " + issued.getTokenId());
      out()
          .println(
              "issued token "
                  + issued.getTokenId()
                  + " for "
                  + name
                  + expiry
                  + " into "
                  + outFile
                  + " (mode 0600)");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "revoke-token",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Revoke one token of a principal, effective immediately.",
        "",
        "Anyone may revoke their own tokens; others need SET_POLICY at the root.",
        "'iam principal' lists token ids."
      })
  static final class RevokeToken extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "PRINCIPAL",
        description = "users/NAME or serviceaccounts/NAME.")
    String principal;

    @Parameters(
        index = "1",
        paramLabel = "TOKEN-ID",
        description = "The token's id (not the token).")
    String tokenId;

    @Override
    public Integer call() {
      String name = IamNames.principal(this, "PRINCIPAL", principal);
      String id = tokenId.strip();
      if (id.startsWith("trst.")) {
        throw usage(
            "give the token's id (see 'trestle iam principal " + name + "'), not the token");
      }
      try (ManagementClient client = connect()) {
        client.revokeToken(name, id);
      }
      out().println("revoked token " + id + " of " + name);
      return ExitCodes.OK;
    }
  }
}
