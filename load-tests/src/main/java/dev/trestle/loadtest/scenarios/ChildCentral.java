package dev.trestle.loadtest.scenarios;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A central node in a child JVM ({@link ChildCentralMain}) on the bench's own classpath, on a
 * throw-away data directory. The ports chosen at the first start are kept for restarts, so edges
 * reconnect to the same address.
 */
public final class ChildCentral implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile(
          ChildCentralMain.READY + " api=(\\d+) edge=(\\d+) management=(\\d+) pid=(\\d+)");
  private final Path dataDir;
  private final boolean keepData;
  private final Map<String, Object> overrides;
  private final List<String> jvmOptions;
  private final Path log;
  private Process process;
  private int apiPort;
  private int edgePort;
  private int managementPort;
  private final HttpClient http = HttpClient.newHttpClient();

  public ChildCentral(
      Path logFile, boolean keepData, Map<String, Object> overrides, List<String> jvmOptions)
      throws IOException {
    this.dataDir = Files.createTempDirectory("trestle-bench-");
    this.keepData = keepData;
    this.overrides = new LinkedHashMap<>(overrides);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.log = logFile;
  }

  /** Starts the JVM and waits for its ready line; returns seconds from spawn to ready. */
  public double start() throws IOException, InterruptedException {
    var conf = new LinkedHashMap<String, Object>(overrides);
    conf.put("trestle.data-dir", dataDir.toString());
    conf.put("trestle.api.port", apiPort);
    conf.put("trestle.edge.port", edgePort);
    conf.put("trestle.management.port", managementPort);
    var text = new StringBuilder();
    conf.forEach(
        (k, v) ->
            text.append(k)
                .append(" = ")
                .append(ConfigValueFactory.fromAnyRef(v).render(ConfigRenderOptions.concise()))
                .append('\n'));
    Path confFile = dataDir.resolve("bench.conf");
    Files.writeString(confFile, text);
    var cmd = new ArrayList<String>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String pool = System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism");
    if (pool != null) {
      cmd.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + pool);
    }
    cmd.add("-Dtrestle.bench.log.level=INFO"); // into central.log of the run, not the console
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChildCentralMain.class.getName());
    cmd.add(confFile.toString());
    long t0 = System.nanoTime();
    process =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    var ready = new CompletableFuture<Matcher>();
    Thread t =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = reader.readLine()) != null) {
                  Matcher m = READY.matcher(line);
                  if (m.find()) {
                    ready.complete(m);
                  }
                }
              } catch (IOException ignored) {
                // process gone
              }
              ready.completeExceptionally(
                  new IllegalStateException("central exited before it was ready; see " + log));
            },
            "child-central-stdout");
    t.setDaemon(true);
    t.start();
    try {
      Matcher m = ready.get(180, TimeUnit.SECONDS);
      apiPort = Integer.parseInt(m.group(1));
      edgePort = Integer.parseInt(m.group(2));
      managementPort = Integer.parseInt(m.group(3));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "child central did not start: " + e.getMessage() + "; log: " + log, e);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** SIGTERM (graceful, coordinated shutdown); returns seconds until the process ended. */
  public double stop() throws InterruptedException {
    if (process == null) {
      return 0;
    }
    long t0 = System.nanoTime();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
    return (System.nanoTime() - t0) / 1e9;
  }

  public long pid() {
    return process.pid();
  }

  public int apiPort() {
    return apiPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public int edgePort() {
    return edgePort;
  }

  public String adminToken() throws IOException {
    return Files.readString(dataDir.resolve("admin.token")).strip();
  }

  public String metrics() throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * Sum of the samples of one Prometheus metric whose labels contain {@code labelPart} (or all).
   */
  public static double metric(String scrape, String name, String labelPart) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name)
          && (line.length() > name.length())
          && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
          && (labelPart == null || line.contains(labelPart))) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /**
   * Heap in use right after a full collection: {@code jcmd PID GC.run} (System.gc() in the server),
   * then {@code jvm_memory_used_bytes{area="heap"}} from the server's /metrics. The smallest of
   * {@code rounds} rounds.
   */
  public long heapAfterGc(int rounds) throws IOException, InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < Math.max(1, rounds); i++) {
      Process p =
          new ProcessBuilder("jcmd", Long.toString(pid()), "GC.run")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      p.waitFor(60, TimeUnit.SECONDS);
      best = Math.min(best, (long) metric(metrics(), "jvm_memory_used_bytes", "area=\"heap\""));
    }
    return best;
  }

  /** Resident set size of the server process (VmRSS), bytes; -1 when unknown. */
  public long rssBytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    if (!keepData) {
      try (var files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException e) {
        System.err.println("[bench] could not delete " + dataDir + ": " + e);
      }
    }
  }
}
