package dev.trestle.it;

import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import dev.trestle.protocol.v1.TenantSpec;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A continuous stream of writes over gRPC, as a client behind a load balancer makes them: each
 * write creates a new tenant {@code organizations/ORG/tenants/PREFIX-N} on the next node in turn
 * that the test has not taken out of the rotation. Every write is recorded with its time and
 * outcome; acknowledged means the API answered CREATED. Bounded: it stops at {@link #stop} or after
 * {@code maxWrites}.
 */
final class WriteStream implements AutoCloseable {
  /** One write: when it was answered (nanoTime), what it wrote, and whether it was acknowledged. */
  record Write(long answeredNanos, String fqn, int node, boolean acknowledged, String error) {}

  private final String org;
  private final String prefix;
  private final List<ManagedChannel> nodes;
  private final Set<Integer> rotation = ConcurrentHashMap.newKeySet();
  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicInteger turn = new AtomicInteger();
  private final ExecutorService writers;
  private final int maxWrites;
  private final Duration pause;
  private volatile boolean stopped;

  WriteStream(
      String org,
      String prefix,
      List<ManagedChannel> nodes,
      int threads,
      Duration pause,
      int maxWrites) {
    this.org = org;
    this.prefix = prefix;
    this.nodes = nodes;
    this.pause = pause;
    this.maxWrites = maxWrites;
    for (int i = 0; i < nodes.size(); i++) {
      rotation.add(i);
    }
    this.writers =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "write-stream");
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < threads; i++) {
      writers.execute(this::run);
    }
  }

  /** Takes a node out of the rotation (its health check failed) or puts it back. */
  void use(int node, boolean inRotation) {
    if (inRotation) {
      rotation.add(node);
    } else {
      rotation.remove(node);
    }
  }

  List<Write> writes() {
    return List.copyOf(writes);
  }

  List<Write> acknowledged() {
    return writes.stream().filter(Write::acknowledged).toList();
  }

  private void run() {
    while (!stopped) {
      int n = sequence.incrementAndGet();
      if (n > maxWrites) {
        return;
      }
      int node = nextNode();
      String name = String.format("%s-%06d", prefix, n);
      String fqn = org + "/tenants/" + name;
      writes.add(write(node, name, fqn));
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private int nextNode() {
    List<Integer> live = rotation.stream().sorted().toList();
    return live.get(Math.floorMod(turn.getAndIncrement(), live.size()));
  }

  private Write write(int node, String name, String fqn) {
    var tenant =
        Resource.newBuilder()
            .setApiVersion("trestle.dev/v1")
            .setKind("Tenant")
            .setMetadata(
                ResourceMetadata.newBuilder()
                    .setName(name)
                    .setOrganization(org.substring(org.lastIndexOf('/') + 1)))
            .setTenant(TenantSpec.newBuilder().setDisplayName("load " + name))
            .build();
    try {
      var response =
          ManagementServiceGrpc.newBlockingStub(nodes.get(node))
              .withDeadlineAfter(15, TimeUnit.SECONDS)
              .apply(ApplyRequest.newBuilder().addResources(tenant).build());
      var result = response.getResults(0);
      boolean created = result.getOutcome() == ApplyOutcome.CREATED && result.getFqn().equals(fqn);
      return new Write(
          System.nanoTime(),
          fqn,
          node,
          created,
          created ? "" : result.getOutcome() + " " + result.getError().getMessage());
    } catch (RuntimeException e) {
      return new Write(System.nanoTime(), fqn, node, false, e.getMessage());
    }
  }

  void stop() throws InterruptedException {
    stopped = true;
    writers.shutdown();
    if (!writers.awaitTermination(30, TimeUnit.SECONDS)) {
      writers.shutdownNow();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
