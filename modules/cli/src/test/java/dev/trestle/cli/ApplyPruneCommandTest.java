package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --owner NAME --prune}: the owner label on every document, then the guarded prune.
 */
class ApplyPruneCommandTest {
  @TempDir Path home;
  @TempDir Path dir;
  @FakeServer FakeManagementServer server;

  private Path files() throws Exception {
    Files.writeString(
        dir.resolve("tenants.yaml"),
        InputFilesTest.TENANT.formatted("payments")
            + "---\n"
            + InputFilesTest.TENANT.formatted("hr"));
    return dir;
  }

  private static Resource owned(String name, boolean protectedOne) {
    return Resource.newBuilder()
        .setKind("Tenant")
        .setMetadata(
            ResourceMetadata.newBuilder()
                .setName(name)
                .setOrganization("acme")
                .setFqn("organizations/acme/tenants/" + name)
                .setDeletionProtection(protectedOne)
                .putLabels(Ownership.OWNER_LABEL, "ci"))
        .build();
  }

  private void ownedOnServer() {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(owned("payments", false))
                .addResources(owned("hr", false))
                .addResources(owned("old", false))
                .addResources(owned("kept", true))
                .build();
  }

  @Test
  void labelsEveryDocumentAndPrunesWhatTheOwnerNoLongerHolds() throws Exception {
    ownedOnServer();
    CliRun r =
        CliRun.run(
            home,
            "--server",
            server.address(),
            "apply",
            "-f",
            files().toString(),
            "--owner",
            "ci",
            "--prune",
            "--max-delete-percent",
            "50");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(ApplyRequest.class).get(0).getResourcesList())
        .allMatch(d -> "ci".equals(d.getMetadata().getLabelsMap().get(Ownership.OWNER_LABEL)));
    ListRequest list = server.requests(ListRequest.class).get(0);
    assertThat(list.getParent()).isEqualTo("organizations/acme");
    assertThat(list.getLabelSelector()).isEqualTo("trestle.dev/owner=ci");
    assertThat(server.requests(DeleteRequest.class))
        .extracting(DeleteRequest::getFqn)
        .containsExactly("organizations/acme/tenants/old");
    assertThat(r.out)
        .contains("pruned organizations/acme/tenants/old")
        .contains("kept organizations/acme/tenants/kept (deletionProtection)");
  }

  @Test
  void theMassDeleteGuardRefusesAndDeletesNothing() throws Exception {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(owned("payments", false))
                .addResources(owned("hr", false))
                .addResources(owned("old", false))
                .build();
    CliRun r =
        CliRun.run(
            home,
            "--server",
            server.address(),
            "apply",
            "-f",
            files().toString(),
            "--owner",
            "ci",
            "--prune");

    assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
    assertThat(r.err).contains("mass-delete guard").contains("1 of 3");
    assertThat(server.requests(DeleteRequest.class)).isEmpty();
  }

  @Test
  void pruneWithoutAnOwnerIsAUsageError() throws Exception {
    CliRun r =
        CliRun.run(
            home, "--server", server.address(), "apply", "-f", files().toString(), "--prune");

    assertThat(r.exitCode).isEqualTo(2);
    assertThat(r.err).contains("--prune needs --owner");
    assertThat(server.requests(ApplyRequest.class)).isEmpty();
  }
}
