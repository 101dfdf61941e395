package dev.trestle.testing;

import dev.trestle.app.Central;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Several central nodes in this JVM forming one Pekko cluster over loopback, all on one embedded H2
 * database (one data directory: H2 shares a file database between the pools of one JVM). Node 0 is
 * the seed; the others join through it, started together. Insecure-dev mode.
 */
public final class CentralNodes implements AutoCloseable {
  private final Path dataDir;
  private final Path conf;
  private final List<Integer> clusterPorts;
  private final List<Central> nodes = new ArrayList<>();

  private CentralNodes(Path dataDir, Path conf, List<Integer> clusterPorts) {
    this.dataDir = dataDir;
    this.conf = conf;
    this.clusterPorts = clusterPorts;
  }

  /** Starts {@code count} nodes; {@code hocon} is added to every node's configuration. */
  public static CentralNodes start(int count, String hocon) throws Exception {
    Path dir = Files.createTempDirectory("trestle-nodes-");
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(freePort());
    }
    Path conf = dir.resolve("nodes.conf");
    Files.writeString(
        conf, hocon + "\ntrestle.cluster.seed-nodes = [\"127.0.0.1:" + ports.get(0) + "\"]\n");
    var nodes = new CentralNodes(dir, conf, ports);
    try {
      nodes.nodes.add(nodes.startNode(0));
      List<CompletableFuture<Central>> rest = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        int index = i;
        rest.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return nodes.startNode(index);
                  } catch (Exception e) {
                    throw new IllegalStateException("node " + index + " did not start", e);
                  }
                }));
      }
      for (var f : rest) {
        nodes.nodes.add(f.get(120, TimeUnit.SECONDS));
      }
    } catch (Exception e) {
      nodes.close();
      throw e;
    }
    return nodes;
  }

  private Central startNode(int index) throws Exception {
    var args =
        new ServerArgs(
                Optional.of(conf),
                Optional.of(dataDir),
                Optional.of(0),
                Optional.of(0),
                Optional.of(0),
                true)
            .withClusterPort(Optional.of(clusterPorts.get(index)));
    return Central.start(Settings.load(args));
  }

  /** A free loopback port right now (the node binds it a moment later). */
  public static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public Central node(int index) {
    return nodes.get(index);
  }

  public List<Central> running() {
    return nodes.stream().filter(n -> n != null).collect(Collectors.toList());
  }

  /** Stops one node gracefully (it leaves the cluster); the others keep running. */
  public void stop(int index) throws Exception {
    Central node = nodes.get(index);
    if (node != null) {
      nodes.set(index, null);
      node.close();
    }
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (int i = nodes.size() - 1; i >= 0; i--) {
      try {
        stop(i);
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (first != null) {
      throw first;
    }
  }
}
