package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ClusterResourceStatus;
import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.SyncState;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code trestle status}'s table: its version columns must not reuse {@code trestle clusters}'
 * DESIRED header for another meaning (the version that carries the resource, not the cluster's
 * newest).
 */
class StatusTableTest {
  @Test
  void theVersionCarryingTheResourceIsHeadedNeedsNotDesired() {
    var command = new StatusCommand();
    var out = new StringWriter();
    new CommandLine(command).setOut(new PrintWriter(out, true));
    var status =
        ResourceStatus.newBuilder()
            .setFqn("organizations/acme/tenants/shop")
            .setResourceVersion(4)
            .setState(SyncState.SYNC_PENDING)
            .addClusters(
                ClusterResourceStatus.newBuilder()
                    .setCluster("organizations/acme/clusters/c1")
                    .setState(SyncState.SYNC_PENDING)
                    .setDesiredVersion(7)
                    .setAppliedVersion(6))
            .build();

    int exit = StatusCommand.print(command, status, OutputFormat.table);

    String[] lines = out.toString().split("\n");
    assertThat(exit).isEqualTo(ExitCodes.PENDING);
    assertThat(lines[1]).contains("NEEDS").contains("APPLIED").doesNotContain("DESIRED");
    assertThat(lines[2].split("\\s+")).containsSubsequence("PENDING", "7", "6");
    assertThat(new CommandLine(new StatusCommand()).getUsageMessage())
        .contains("NEEDS is the cluster's first desired-state version");
  }
}
