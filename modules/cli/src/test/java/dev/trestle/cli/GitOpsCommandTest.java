package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResource;
import dev.trestle.protocol.v1.GitOpsResourceState;
import dev.trestle.protocol.v1.GitSourceStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of {@code trestle gitops status} and the git origin the audit tables show. */
class GitOpsCommandTest {
  private static final String SHA = "4f2a9c1d03be77aa00bb11cc22dd33ee44ff5566";

  @Test
  void statusTableShowsPhaseShortShasAndEachResourceWithFileAndLine() {
    var status =
        GitSourceStatus.newBuilder()
            .setSource("organizations/o/tenants/t/gitsources/config")
            .setRef("main")
            .setPhase(GitOpsPhase.GITOPS_OUT_OF_SYNC)
            .setLastFetchedCommit(SHA)
            .setLastAppliedCommit(SHA)
            .setLastSyncTime(Timestamp.newBuilder().setSeconds(1_000))
            .setPrincipal("serviceaccounts/gitsource-config-1a2b3c4d")
            .addResources(
                GitOpsResource.newBuilder()
                    .setFqn("organizations/o/tenants/t/workspaces/w")
                    .setState(GitOpsResourceState.RESOURCE_DRIFTED)
                    .setPath("config/w.yaml")
                    .setLine(3)
                    .setMessage("changed outside git by users/alice (version 4)"))
            .build();

    String table = GitOpsCommand.render(List.of(status), Instant.ofEpochSecond(1_012));

    assertThat(table)
        .contains("OUT_OF_SYNC")
        .doesNotContain("GITOPS_")
        .contains("4f2a9c1d03be ")
        .doesNotContain(SHA)
        .contains("(as serviceaccounts/gitsource-config-1a2b3c4d)")
        .contains("DRIFTED")
        .doesNotContain("RESOURCE_DRIFTED")
        .contains("config/w.yaml:3")
        .contains("changed outside git by users/alice");
  }

  @Test
  void auditTablesPrefixTheGitOriginOfAChange() {
    assertThat(AuditTables.gitOrigin("git:" + SHA + ":config/w.yaml"))
        .isEqualTo("[git 4f2a9c1d03be config/w.yaml] ");
    assertThat(AuditTables.gitOrigin("5b1c0d6e-request-id")).isEmpty();
    assertThat(AuditTables.gitOrigin("git:short:x")).isEmpty();
  }
}
