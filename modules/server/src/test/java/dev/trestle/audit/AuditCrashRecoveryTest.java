package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.ServerProcess;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestStorage;
import dev.trestle.testsupport.WriteBurst;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of a real server process in the middle of a burst of writes: after a restart the audit
 * log holds every acknowledged change exactly once — no gap, no duplicate.
 */
@ExtendWith(StorageSelection.class)
class AuditCrashRecoveryTest {
  // Generous: on 2 cores shared with other builds (load 15) a restart after the kill once took
  // over 90 s to log its ready line; a healthy start takes 10-20 s.
  private static final Duration START = Duration.ofSeconds(180);

  @Test
  void everyAcknowledgedChangeIsAuditedExactlyOnceAfterKill9(TestStorage storage) throws Exception {
    Path root = Files.createTempDirectory("trestle-crash-");
    Path data = root.resolve("data");
    Set<String> acknowledged;
    try (ServerProcess first = ServerProcess.start(data, storage.centralConfig(), START)) {
      ManagedChannel channel = channel(first.apiPort());
      var stub = ManagementServiceGrpc.newBlockingStub(channel);
      apply(stub, "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: crash}\n");
      var burst =
          WriteBurst.start(
              4,
              name ->
                  apply(
                          stub.withDeadlineAfter(10, TimeUnit.SECONDS),
                          "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata: {name: "
                              + name
                              + ", organization: crash}\n")
                      == ApplyOutcome.CREATED);
      await().atMost(Duration.ofSeconds(60)).until(() -> burst.acknowledgedCount() >= 60);
      first.kill();
      acknowledged =
          burst.stop().stream()
              .map(n -> "organizations/crash/tenants/" + n + "@1")
              .collect(Collectors.toSet());
      channel.shutdownNow();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(60);

    try (ServerProcess second = ServerProcess.start(data, storage.centralConfig(), START)) {
      ManagedChannel channel = channel(second.apiPort());
      var audit = AuditServiceGrpc.newBlockingStub(channel);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                var rows = all(audit);
                var seen = new HashSet<String>();
                for (AuditEntry e : rows) {
                  assertThat(seen.add(e.getFqn() + "@" + e.getVersion()))
                      .as("duplicate row " + e.getFqn())
                      .isTrue();
                }
                assertThat(seen).containsAll(acknowledged);
                assertThat(lagIsZero(second.managementPort())).isTrue();
              });
      channel.shutdownNow();
    }
  }

  private static List<AuditEntry> all(AuditServiceGrpc.AuditServiceBlockingStub audit) {
    var out = new ArrayList<AuditEntry>();
    String token = "";
    do {
      var page =
          audit
              .withDeadlineAfter(20, TimeUnit.SECONDS)
              .query(
                  AuditQueryRequest.newBuilder()
                      .setResource("organizations/crash")
                      .setRecursive(true)
                      .setKind("Tenant")
                      .setOutcome(AuditOutcome.ACCEPTED)
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
      out.addAll(page.getEntriesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  private static boolean lagIsZero(int managementPort) throws Exception {
    var body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.contains("\"projection\" : \"audit\"")
        && !body.matches("(?s).*\"pendingEvents\" : [1-9].*");
  }

  private static ManagedChannel channel(int port) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .build();
  }

  private static ApplyOutcome apply(
      ManagementServiceGrpc.ManagementServiceBlockingStub stub, String yaml) {
    var docs = ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList();
    return stub.apply(ApplyRequest.newBuilder().addAllResources(docs).build())
        .getResults(0)
        .getOutcome();
  }
}
