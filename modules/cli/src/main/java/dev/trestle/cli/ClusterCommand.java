package dev.trestle.cli;

import dev.trestle.protocol.v1.IssueJoinTokenResponse;
import dev.trestle.protocol.v1.RevokeJoinTokenResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trestle cluster token|revoke-token}: onboarding of edge agents. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {"Cluster onboarding: join tokens for edge agents."},
    subcommands = {ClusterCommand.Token.class, ClusterCommand.RevokeToken.class})
final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a subcommand: token or revoke-token");
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Mint a join token for a cluster's edge agent; it is shown once.",
        "",
        "The token is printed alone on stdout, or written to --out-file (created with mode 0600;",
        "an existing file is never overwritten). Central keeps only its hash. Earlier tokens stay",
        "valid unless --rotate revokes them (a connected edge using one is disconnected).",
        "Needs SET_POLICY on the cluster.",
        "",
        "--ttl D: an agent must first present the token within D (e.g. 24h); later it is refused",
        "('join token ... expired at ...'). A session already admitted is not cut.",
        "--single-use: a bootstrap token, valid for the first admitted connect only. Central then",
        "replaces it by a join token for that agent alone, sent in its Welcome and kept in",
        "<state-dir>/session.token (mode 0600); the agent presents that one from then on.",
        "",
        "  trestle cluster token c1 --out-file c1.token",
        "  trestle cluster token c1 --single-use --ttl 1h --out-file c1.bootstrap",
        "  trestle edge --cluster c1 --central 127.0.0.1:9081 --token-file c1.token"
      })
  static final class Token extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "CLUSTER",
        description = "NAME (if unique) or organizations/ORG/clusters/NAME.")
    String cluster;

    @Option(names = "--rotate", description = "Revoke the cluster's other join tokens.")
    boolean rotate;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Refuse the token when first presented after this long (e.g. 24h).")
    Duration ttl;

    @Option(
        names = "--single-use",
        description = "Valid for the first admitted connect only (a bootstrap token).")
    boolean singleUse;

    @Option(
        names = "--out-file",
        paramLabel = "FILE",
        description = "Write the token to FILE (new, mode 0600) instead of stdout.")
    Path outFile;

    @Override
    public Integer call() {
      IssueJoinTokenResponse issued =
          SecretFile.issueInto(
              outFile,
              () -> {
                try (ManagementClient client = connect()) {
                  return client.issueJoinToken(cluster.strip(), rotate, ttl, singleUse);
                }
              });
      var traits = new ArrayList<String>();
      if (issued.getSingleUse()) {
        traits.add("single-use");
      }
      if (issued.hasExpireTime()) {
        traits.add("expires at " + AuditTables.time(issued.getExpireTime()));
      }
      String revoked =
          (traits.isEmpty() ? "" : " (" + String.join(", ", traits) + ")")
              + (issued.getRevokedTokenIdsCount() == 0
                  ? ""
                  : "; revoked " + String.join(", ", issued.getRevokedTokenIdsList()));
      if (outFile == null) {
        out().println(issued.getToken());
        err()
            .println(
                "issued join token "
                    + issued.getTokenId()
                    + " for "
                    + issued.getCluster()
                    + revoked
                    + "; it is shown only now: store it safely");
        return ExitCodes.OK;
      }
      SecretFile.write(
          outFile,
          issued.getToken(),
          "join token " + issued.getTokenId(),
          "trestle cluster revoke-token " + issued.getCluster() + " " + issued.getTokenId());
      out()
          .println(
              "issued join token "
                  + issued.getTokenId()
                  + " for "
                  + issued.getCluster()
                  + " into "
                  + outFile
                  + " (mode 0600)"
                  + revoked);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "revoke-token",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Revoke one join token of a cluster (by id), or all of them with --all.",
        "",
        "Effective immediately: an edge connected with a revoked token is disconnected and refused",
        "on reconnect. 'trestle clusters -o yaml' lists token ids. Needs SET_POLICY on the cluster."
      })
  static final class RevokeToken extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "CLUSTER",
        description = "NAME (if unique) or organizations/ORG/clusters/NAME.")
    String cluster;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "TOKEN-ID",
        description = "The token's id (not the token).")
    String tokenId;

    @Option(names = "--all", description = "Revoke every join token of the cluster.")
    boolean all;

    @Override
    public Integer call() {
      if ((tokenId == null) == !all) {
        throw usage("give either a TOKEN-ID or --all");
      }
      if (tokenId != null && tokenId.strip().startsWith("trjt.")) {
        throw usage("give the token's id (see 'trestle clusters -o yaml'), not the token");
      }
      RevokeJoinTokenResponse revoked;
      try (ManagementClient client = connect()) {
        revoked = client.revokeJoinToken(cluster.strip(), all ? "" : tokenId.strip());
      }
      if (revoked.getRevokedTokenIdsCount() == 0) {
        out().println(revoked.getCluster() + " had no join tokens");
      } else {
        out()
            .println(
                "revoked join token(s) "
                    + String.join(", ", revoked.getRevokedTokenIdsList())
                    + " of "
                    + revoked.getCluster());
      }
      return ExitCodes.OK;
    }
  }
}
