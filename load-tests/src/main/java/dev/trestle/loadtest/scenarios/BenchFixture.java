package dev.trestle.loadtest.scenarios;

import dev.trestle.loadtest.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The configuration every edge scenario uses: organization {@code bench}, tenant {@code t}, N
 * clusters {@code c00001…}, workspace {@code w} claiming {@code *}{@code /bench}, TRAFFIC group
 * {@code g} and ServiceRoutes {@code r0…} for service {@code bench/svc}. Clusters are created
 * before any configuration exists (each new Cluster re-translates every cluster of its
 * organization; with no workspace yet that is cheap), then the workspace, group and routes.
 */
public final class BenchFixture {
  public static final String ORG = "organizations/bench";
  public static final String GROUP = ORG + "/tenants/t/workspaces/w/groups/g";
  public static final String NAMESPACE = "bench";
  private static final int CHUNK = 250;

  private BenchFixture() {}

  public static String clusterName(int i) {
    return String.format(Locale.ROOT, "c%05d", i);
  }

  public static String clusterFqn(int i) {
    return ORG + "/clusters/" + clusterName(i);
  }

  public static String routeFqn(int i) {
    return GROUP + "/serviceroutes/r" + i;
  }

  /**
   * Organization, tenant, clusters, workspace, group and {@code routes} routes. Returns seconds
   * taken.
   */
  public static double create(BenchApi api, int clusters, int routes, String phase) {
    return create(api, clusters, routes, phase, NAMESPACE);
  }

  /**
   * As above, with the workspace claiming {@code *}{@code /namespace} instead of {@code *}{@code
   * /bench}.
   */
  public static double create(
      BenchApi api, int clusters, int routes, String phase, String namespace) {
    long t0 = System.nanoTime();
    api.apply(
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: bench}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: t, organization: bench}
        """);
    try (var progress = new Progress(phase + ": clusters", clusters, "clusters")) {
      var docs = new StringBuilder();
      int inChunk = 0;
      for (int i = 1; i <= clusters; i++) {
        docs.append("apiVersion: trestle.dev/v1\nkind: Cluster\nmetadata: {name: ")
            .append(clusterName(i))
            .append(", organization: bench}\nspec: {network: bench-net}\n---\n");
        if (++inChunk == CHUNK || i == clusters) {
          api.apply(docs.toString());
          docs.setLength(0);
          inChunk = 0;
          progress.update(i);
        }
      }
    }
    api.apply(
        """
        apiVersion: trestle.dev/v1
        kind: Workspace
        metadata: {name: w, organization: bench, tenant: t}
        spec:
          namespaceSelectors: ["*/%s"]
        ---
        apiVersion: trestle.dev/v1
        kind: Group
        metadata: {name: g, organization: bench, tenant: t, workspace: w}
        spec: {type: TRAFFIC}
        """
            .formatted(namespace));
    var docs = new StringBuilder();
    for (int i = 0; i < routes; i++) {
      docs.append(route(i, 90)).append("---\n");
      if ((i + 1) % CHUNK == 0 || i == routes - 1) {
        api.apply(docs.toString());
        docs.setLength(0);
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** A small ServiceRoute (two weighted subsets) with the given weight of the first subset. */
  public static String route(int i, int weight) {
    return "apiVersion: trestle.dev/v1\nkind: ServiceRoute\nmetadata: {name: r"
        + i
        + ", organization: bench, tenant: t, workspace: w, group: g}\nspec:\n  service: bench/svc"
        + i
        + "\n"
        + "  ports: [{port: 8080, protocol: HTTP}]\n"
        + "  subsets:\n"
        + "    - {name: v1, labels: {version: v1}, weight: "
        + weight
        + "}\n    - {name: v2, labels: {version: v2}, weight: "
        + (100 - weight)
        + "}\n";
  }

  /**
   * Waits until the node's projections (audit, desired state) have no pending events, as its
   * /health reports them (polled every 2 s by the node); returns seconds waited. Creating N
   * clusters re-translates every cluster of the organization per new cluster (N² / 2 translations),
   * so the desired-state projection runs well behind the API after a large fixture.
   */
  public static double awaitProjections(
      int managementPort, java.time.Duration timeout, String phase) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    int zeroInARow = 0;
    try (var progress = new Progress(phase + ": projections catching up", 1, "")) {
      while (System.nanoTime() < deadline) {
        var body =
            http.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + managementPort + "/health"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        long pending = 0;
        for (var p : mapper.readTree(body).path("projections")) {
          pending += Math.max(0, p.path("pendingEvents").asLong());
        }
        progress.update(0, String.format(Locale.ROOT, "%,d events pending", pending));
        // two polls in a row at zero (the node measures lag every 2 s)
        if (pending == 0 && ++zeroInARow >= 2) {
          return (System.nanoTime() - t0) / 1e9;
        } else if (pending > 0) {
          zeroInARow = 0;
        }
        Thread.sleep(2100);
      }
    }
    throw new IllegalStateException(
        phase + ": projections still behind after " + timeout.toSeconds() + " s");
  }

  /**
   * Join tokens for clusters 1..n, minted through ClusterService.IssueJoinToken by {@value
   * #TOKEN_CLIENTS} concurrent callers (one after another, 10,000 tokens took minutes).
   */
  public static List<String> tokens(BenchApi api, int n, String phase) {
    var tokens = new String[n];
    var done = new java.util.concurrent.atomic.AtomicInteger();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(TOKEN_CLIENTS);
    try (var progress = new Progress(phase + ": join tokens", n, "tokens")) {
      var calls = new ArrayList<java.util.concurrent.Future<?>>();
      for (int i = 1; i <= n; i++) {
        int cluster = i;
        calls.add(
            pool.submit(
                () -> {
                  tokens[cluster - 1] = api.joinToken(clusterFqn(cluster));
                  progress.update(done.incrementAndGet());
                }));
      }
      for (var call : calls) {
        call.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(phase + ": interrupted while minting join tokens", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          phase + ": minting a join token failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return List.of(tokens);
  }

  private static final int TOKEN_CLIENTS = 16;
}
