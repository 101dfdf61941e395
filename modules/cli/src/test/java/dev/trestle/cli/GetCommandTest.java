package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.Resource;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GetCommandTest {
  @TempDir Path home;
  @FakeServer FakeManagementServer server;

  private CliRun get(String... args) {
    return CliRun.verb(home, server, "get", args);
  }

  @Test
  void getByFqnPrintsATable() {
    server.onGet = r -> TestResources.tenant("acme", "payments", 3);
    CliRun r = get("organizations/acme/tenants/payments");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "NAME       PARENT               VERSION   UPDATED   LABELS\n"
                + "payments   organizations/acme   3         30m       env=prod\n");
    assertThat(server.requests(GetRequest.class))
        .extracting(GetRequest::getFqn)
        .containsExactly("organizations/acme/tenants/payments");
  }

  @Test
  void yamlOutputCanBeReadBackAsTheSameResource() {
    Resource tenant = TestResources.tenant("acme", "payments", 3);
    server.onGet = r -> tenant;
    CliRun r = get("tenant", "payments", "--org", "acme", "-o", "yaml");
    assertThat(r.exitCode).as(r.toString()).isZero();
    var parsed = ResourceDocuments.parse(r.out);
    assertThat(parsed)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.error()).isNull();
              assertThat(d.resource()).isEqualTo(tenant);
            });
  }

  @Test
  void jsonOfOneResourceIsAnObjectAndOfAListingAnArray() {
    server.onGet = r -> TestResources.organization("acme", 1);
    server.onList =
        r -> ListResponse.newBuilder().addResources(TestResources.organization("acme", 1)).build();
    assertThat(get("org", "acme", "-o", "json").out).startsWith("{");
    assertThat(get("orgs", "-o", "json").out).startsWith("[");
  }

  @Test
  void listingOfDirectChildrenFollowsEveryPage() {
    server.onList =
        r ->
            r.getPageToken().isEmpty()
                ? ListResponse.newBuilder()
                    .addResources(TestResources.tenant("acme", "a", 1))
                    .setNextPageToken("p2")
                    .build()
                : ListResponse.newBuilder()
                    .addResources(TestResources.tenant("acme", "b", 2))
                    .build();
    CliRun r = get("tenants", "--org", "acme", "-l", "env=prod");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out.lines()).hasSize(3);
    List<ListRequest> sent = server.requests(ListRequest.class);
    assertThat(sent).extracting(ListRequest::getPageToken).containsExactly("", "p2");
    assertThat(sent.get(0).getParent()).isEqualTo("organizations/acme");
    assertThat(sent.get(0).getKind()).isEqualTo("Tenant");
    assertThat(sent.get(0).getRecursive()).isFalse();
    assertThat(sent.get(0).getLabelSelector()).isEqualTo("env=prod");
  }

  @Test
  void limitStopsPagingAndSaysThereIsMore() {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(TestResources.tenant("acme", "a" + r.getPageToken().length(), 1))
                .setNextPageToken(r.getPageToken() + "x")
                .build();
    CliRun r = get("tenants", "--org", "acme", "--limit", "2");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out.lines()).hasSize(3);
    assertThat(r.err).contains("showing the first 2");
    assertThat(server.requests(ListRequest.class)).hasSize(2);
  }

  @Test
  void listingWithoutParentsIsRecursiveFromTheRoot() {
    CliRun r = get("tenants");
    assertThat(r.exitCode).isZero();
    assertThat(r.err).isEqualTo("No tenants found.\n");
    ListRequest sent = server.requests(ListRequest.class).get(0);
    assertThat(sent.getParent()).isEmpty();
    assertThat(sent.getRecursive()).isTrue();
  }

  @Test
  void nameWithoutItsParentsIsFoundBySearching() {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(TestResources.tenant("acme", "payments", 1))
                .addResources(TestResources.tenant("globex", "hr", 1))
                .build();
    CliRun r = get("tenant", "payments", "-o", "yaml");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("fqn: organizations/acme/tenants/payments");
    assertThat(server.requests(GetRequest.class)).isEmpty();
  }

  @Test
  void ambiguousNameIsAnErrorListingTheCandidates() {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(TestResources.tenant("acme", "payments", 1))
                .addResources(TestResources.tenant("globex", "payments", 1))
                .build();
    CliRun r = get("tenant", "payments");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: tenant 'payments' is ambiguous: organizations/acme/tenants/payments, "
                + "organizations/globex/tenants/payments; give the FQN or --org\n");
  }

  @Test
  void notFoundUsesTheServersMessage() {
    CliRun r = get("organizations/acme/tenants/nope");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).isEqualTo("error: organizations/acme/tenants/nope: not found\n");
  }

  @Test
  void errorWithoutDetailStillGivesOneLine() {
    server.onGet =
        r -> {
          throw Status.INTERNAL.withDescription("boom").asRuntimeException();
        };
    CliRun r = get("organizations/acme");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).isEqualTo("error: internal: boom\n");
  }

  @Test
  void fqnAndNameTogetherIsAUsageError() {
    CliRun r = get("organizations/acme", "x");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void limitAndAllPagesExcludeEachOther() {
    CliRun r = get("orgs", "--limit", "1", "--all-pages");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void versionIsPassedForOneResourceByFqn() {
    server.onGet = r -> TestResources.tenant("acme", "payments", r.getVersion());
    CliRun r = get("organizations/acme/tenants/payments", "--version", "2", "-o", "yaml");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("version: 2");
    assertThat(server.requests(GetRequest.class))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.getFqn()).isEqualTo("organizations/acme/tenants/payments");
              assertThat(g.getVersion()).isEqualTo(2);
            });
  }

  @Test
  void withoutVersionNoneIsSent() {
    server.onGet = r -> TestResources.tenant("acme", "payments", 3);
    assertThat(get("tenant", "payments", "--org", "acme").exitCode).isZero();
    assertThat(server.requests(GetRequest.class).get(0).getVersion()).isZero();
  }

  @Test
  void versionOfKindAndNameFoundBySearchingAsksForThatVersion() {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(TestResources.tenant("acme", "payments", 5))
                .build();
    server.onGet = r -> TestResources.tenant("acme", "payments", r.getVersion());
    CliRun r = get("tenant", "payments", "--version", "1");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(GetRequest.class))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.getFqn()).isEqualTo("organizations/acme/tenants/payments");
              assertThat(g.getVersion()).isEqualTo(1);
            });
  }

  @Test
  void versionOfANameNotFoundBySearchingPointsToTheFqn() {
    CliRun r = get("tenant", "payments", "--version", "1");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: no tenant named 'payments' (searched without --org); a deleted tenant is found"
                + " only by its FQN or with --org\n");
  }

  @Test
  void versionWithAListingIsAUsageError() {
    CliRun r = get("tenants", "--org", "acme", "--version", "2");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).startsWith("error: --version needs one named resource");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void versionMustBePositive() {
    CliRun r = get("organizations/acme", "--version", "0");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).startsWith("error: --version must be at least 1");
    assertThat(get("organizations/acme", "--version", "two").exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(server.requests).isEmpty();
  }

  @Test
  void unknownOrDeletionVersionUsesTheServersMessage() {
    server.onGet =
        r -> {
          throw FakeManagementServer.failure(
              Status.NOT_FOUND,
              FakeManagementServer.detail(
                  "NOT_FOUND",
                  r.getFqn(),
                  "version 3 of " + r.getFqn() + " is its deletion; ask for version 2"));
        };
    CliRun r = get("organizations/acme", "--version", "3");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo("error: version 3 of organizations/acme is its deletion; ask for version 2\n");
  }

  @Test
  void helpStillWorksWithoutTheVersionShortcut() {
    CliRun r = CliRun.run(home, "get", "--help");
    assertThat(r.exitCode).isZero();
    assertThat(r.out).contains("--version=N").contains("-h, --help").doesNotContain("-V");
  }
}
