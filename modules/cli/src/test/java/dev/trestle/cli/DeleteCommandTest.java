package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.ClusterImpact;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.ObjectChangeType;
import dev.trestle.protocol.v1.ObjectImpact;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteCommandTest {
  @TempDir Path home;
  @FakeServer FakeManagementServer server;

  @Test
  void deletesByKindAndNameAndPrintsEveryDeletedFqn() {
    server.onDelete =
        r ->
            DeleteResponse.newBuilder()
                .addDeleted("organizations/acme/tenants/payments/workspaces/checkout")
                .addDeleted("organizations/acme/tenants/payments")
                .build();
    CliRun r =
        CliRun.run(
            home,
            "--server",
            server.address(),
            "delete",
            "tenant",
            "payments",
            "--org",
            "acme",
            "--cascade");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "deleted organizations/acme/tenants/payments/workspaces/checkout\n"
                + "deleted organizations/acme/tenants/payments\n");
    DeleteRequest sent = server.requests(DeleteRequest.class).get(0);
    assertThat(sent.getFqn()).isEqualTo("organizations/acme/tenants/payments");
    assertThat(sent.getCascade()).isTrue();
    assertThat(sent.getForce()).isFalse();
  }

  @Test
  void impactDeletesNothingAndPrintsWhatWouldGoAndEachClustersObjects() {
    String route =
        "organizations/acme/tenants/payments/workspaces/checkout/groups/g/serviceroutes/cart";
    server.onPreviewDeleteImpact =
        r ->
            ImpactResponse.newBuilder()
                .addDeleted(r.getFqn())
                .addClusters(
                    ClusterImpact.newBuilder()
                        .setCluster("organizations/acme/clusters/east")
                        .setCurrentVersion(7)
                        .addObjects(
                            ObjectImpact.newBuilder()
                                .setApiVersion("networking.istio.io/v1")
                                .setKind("VirtualService")
                                .setNamespace("checkout")
                                .setName("cart")
                                .setChange(ObjectChangeType.OBJECT_DELETED)))
                .build();
    server.onDelete =
        r -> {
          throw FakeManagementServer.failure(
              Status.INTERNAL, FakeManagementServer.detail("INTERNAL", r.getFqn(), "deleted!"));
        };
    CliRun r =
        CliRun.run(home, "--server", server.address(), "delete", route, "--impact", "--force");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "would delete "
                + route
                + "\n"
                + "cluster organizations/acme/clusters/east (desired version 7):\n"
                + "  - VirtualService checkout/cart (networking.istio.io/v1)\n");
    assertThat(server.requests(DeleteRequest.class)).hasSize(1);
    assertThat(server.requests(DeleteRequest.class).get(0).getForce()).isTrue();
  }

  @Test
  void nameWithoutParentsIsAUsageErrorNamingTheMissingFlags() {
    CliRun r =
        CliRun.run(
            home, "--server", server.address(), "delete", "workspace", "checkout", "--org", "acme");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).contains("cannot tell which workspace 'checkout' to delete: pass --tenant");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void refusalWithChildrenIsOneLine() {
    server.onDelete =
        r -> {
          throw FakeManagementServer.failure(
              Status.FAILED_PRECONDITION,
              ErrorDetail.newBuilder()
                  .setCode("FAILED_PRECONDITION")
                  .setFqn(r.getFqn())
                  .setMessage("has children; delete them first or use cascade")
                  .addChildren("organizations/acme/tenants/a")
                  .build());
        };
    CliRun r = CliRun.run(home, "--server", server.address(), "delete", "organizations/acme");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: organizations/acme: has children; delete them first or use cascade; children:"
                + " organizations/acme/tenants/a\n");
  }

  @Test
  void deleteFromFilesGoesChildrenFirstAndKeepsGoingAfterAFailure() throws Exception {
    Path f =
        Files.writeString(
            home.resolve("all.yaml"),
            InputFilesTest.ORG.formatted("acme")
                + "---\n"
                + InputFilesTest.TENANT.formatted("a")
                + "---\n"
                + InputFilesTest.TENANT.formatted("b"));
    server.onDelete =
        r -> {
          if (r.getFqn().endsWith("/a")) {
            throw FakeManagementServer.failure(
                Status.NOT_FOUND,
                FakeManagementServer.detail("NOT_FOUND", r.getFqn(), "not found"));
          }
          return DeleteResponse.newBuilder().addDeleted(r.getFqn()).build();
        };

    CliRun r = CliRun.run(home, "--server", server.address(), "delete", "-f", f.toString());

    assertThat(server.requests(DeleteRequest.class))
        .extracting(DeleteRequest::getFqn)
        .containsExactly(
            "organizations/acme/tenants/a", "organizations/acme/tenants/b", "organizations/acme");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out)
        .isEqualTo("deleted organizations/acme/tenants/b\ndeleted organizations/acme\n");
    assertThat(r.err)
        .isEqualTo(
            "error: organizations/acme/tenants/a: not found\nerror: 1 of 3 deletions failed\n");

    server.requests.clear();
    CliRun ignoring =
        CliRun.run(
            home, "--server", server.address(), "delete", "-f", f.toString(), "--ignore-not-found");
    assertThat(ignoring.exitCode).as(ignoring.toString()).isZero();
  }

  @Test
  void deleteFromADocumentMissingItsParentChangesNothing() {
    String doc = "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata:\n  name: t\n";
    CliRun r = CliRun.run(home, Map.of(), doc, "--server", server.address(), "delete", "-f", "-");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: <stdin>: document 1 (line 1): metadata.organization: is required for Tenant\n"
                + "error: nothing was deleted\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void childrenFirstOrdersByDepth() {
    assertThat(
            DeleteCommand.childrenFirst(
                List.of(
                    Fqn.parse("organizations/acme"),
                    Fqn.parse("organizations/acme/clusters/c1"),
                    Fqn.parse("organizations/acme/tenants/t/workspaces/w"),
                    Fqn.parse("organizations/acme"))))
        .extracting(Fqn::toString)
        .containsExactly(
            "organizations/acme/tenants/t/workspaces/w",
            "organizations/acme/clusters/c1",
            "organizations/acme");
  }
}
