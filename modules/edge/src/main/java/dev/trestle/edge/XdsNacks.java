package dev.trestle.edge;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.XdsRejection;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the xDS clients rejected: remembers, per ADS stream and resource type, the version last sent
 * (and the names it answered), so that a NACK of that version is held by {@link NackHoldingCache}
 * until the snapshot changes instead of answered at once with the same rejected response (a client
 * and the server would otherwise NACK and resend in a tight loop). Keeps the NACKs that still stand
 * (a later ACK of the type on that stream clears them) for {@code /status} and central.
 */
public final class XdsNacks implements DiscoveryServerCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(XdsNacks.class);

  /** A response the client rejected. */
  public record Nack(String node, String typeUrl, String version, String error, Instant at) {
    /** The type's short name ({@code Listener}, {@code Cluster}, ...). */
    public String type() {
      return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
    }

    @Override
    public String toString() {
      return node + " NACKed " + type() + " version " + version + ": " + error;
    }

    /** As central receives it in a heartbeat. */
    public XdsRejection toProto() {
      return XdsRejection.newBuilder()
          .setNode(node)
          .setTypeUrl(typeUrl)
          .setVersion(version)
          .setError(error)
          .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
          .build();
    }
  }

  /** The version sent last on a stream for a type, and the resource names it answered. */
  record Sent(String version, Set<String> names) {}

  private record Key(long stream, String typeUrl) {}

  /**
   * The response a NACK just received rejected, handed from {@link #onV3StreamRequest} to {@link
   * NackHoldingCache#createWatch}: java-control-plane calls both on the same thread for the same
   * request, and only the callback knows the stream.
   */
  static final ThreadLocal<Sent> REJECTED = new ThreadLocal<>();

  private final Clock clock;
  private final Map<Key, Sent> sent = new ConcurrentHashMap<>();
  private final Map<Key, Nack> standing = new ConcurrentHashMap<>();
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private volatile Nack last;
  private volatile String lastLogged;

  XdsNacks(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.incrementAndGet();
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    forget(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    forget(streamId);
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    sent.put(
        new Key(streamId, response.getTypeUrl()),
        new Sent(response.getVersionInfo(), Set.copyOf(request.getResourceNamesList())));
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    requests.incrementAndGet();
    Key key = new Key(streamId, request.getTypeUrl());
    if (!request.hasErrorDetail()) {
      REJECTED.remove();
      standing.remove(key);
      return;
    }
    nacks.incrementAndGet();
    Sent rejected = sent.get(key);
    REJECTED.set(rejected);
    var nack =
        new Nack(
            request.getNode().getId(),
            request.getTypeUrl(),
            rejected == null ? "" : rejected.version(),
            DesiredStateApplier.oneLine(request.getErrorDetail().getMessage()),
            clock.instant());
    standing.put(key, nack);
    last = nack;
    String line = nack.toString();
    if (!line.equals(lastLogged)) {
      lastLogged = line;
      LOG.warn(
          "xDS client {}; not sent again until the snapshot changes (client keeps version {})",
          line,
          request.getVersionInfo().isEmpty() ? "none" : request.getVersionInfo());
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    requests.incrementAndGet();
  }

  private void forget(long streamId) {
    sent.keySet().removeIf(k -> k.stream() == streamId);
    standing.keySet().removeIf(k -> k.stream() == streamId);
  }

  long streams() {
    return streams.get();
  }

  long requests() {
    return requests.get();
  }

  long count() {
    return nacks.get();
  }

  /** The last NACK received, or null. */
  Nack last() {
    return last;
  }

  /** NACKs not followed by an ACK of the same type on the same (open) stream, oldest first. */
  List<Nack> standing() {
    var list = new ArrayList<>(standing.values());
    list.sort((a, b) -> a.at().compareTo(b.at()));
    return list;
  }
}
