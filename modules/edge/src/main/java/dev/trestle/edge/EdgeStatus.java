package dev.trestle.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.edge.telemetry.TelemetryStatus;
import java.time.Clock;
import java.time.Instant;

/** What the agent is doing, for the status endpoint and tests; every method is thread-safe. */
public final class EdgeStatus implements InventoryListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String cluster;
  private final String target;
  private final Clock clock;
  private boolean connected;
  private Instant connectedSince;
  private long appliedVersion;
  private String setHash = "";
  private int objects;
  private String lastError;
  private Instant lastErrorAt;
  private long lastNackVersion;
  private String lastNackReason;
  private String inventoryError;
  private String inventorySuspect;
  private long reconnects;
  private long heartbeatsSent;

  public EdgeStatus(String cluster, String target, Clock clock) {
    this.cluster = cluster;
    this.target = target;
    this.clock = clock;
  }

  public synchronized void applied(AppliedState state) {
    appliedVersion = state.version();
    setHash = state.setHash();
    objects = state.objects().size();
  }

  public synchronized void connected(boolean now) {
    if (now && !connected) {
      connectedSince = clock.instant();
    }
    if (!now) {
      connectedSince = null;
    }
    connected = now;
  }

  public synchronized void error(String message) {
    lastError = message;
    lastErrorAt = clock.instant();
  }

  /** The inventory read last was refused: it is the last error (and suspect, if it is). */
  @Override
  public synchronized void rejected(String why, boolean suspect) {
    error(why);
    inventoryError = why;
    inventorySuspect = suspect ? why : null;
  }

  /**
   * A good inventory was read again: the inventory's error is over (another error that came after
   * it stays).
   */
  @Override
  public synchronized void accepted() {
    if (inventoryError != null && inventoryError.equals(lastError)) {
      lastError = null;
      lastErrorAt = null;
    }
    inventoryError = null;
    inventorySuspect = null;
  }

  /** Why the inventory read last is suspect and not reported, or null. */
  public synchronized String inventorySuspect() {
    return inventorySuspect;
  }

  public synchronized void nack(long version, String reason) {
    lastNackVersion = version;
    lastNackReason = reason;
  }

  public synchronized void reconnecting() {
    reconnects++;
  }

  public synchronized void heartbeat() {
    heartbeatsSent++;
  }

  public synchronized boolean isConnected() {
    return connected;
  }

  public synchronized long appliedVersion() {
    return appliedVersion;
  }

  public synchronized String lastError() {
    return lastError;
  }

  public synchronized long heartbeatsSent() {
    return heartbeatsSent;
  }

  public synchronized String lastNackReason() {
    return lastNackReason;
  }

  private XdsServer xds;
  private TelemetryStatus telemetry;

  /** The telemetry pipeline whose state {@code /status} shows (absent: telemetry is off). */
  public synchronized void telemetry(TelemetryStatus telemetry) {
    this.telemetry = telemetry;
  }

  /** The xDS server whose port, snapshot version and NACKs {@code /status} shows. */
  public synchronized void xds(XdsServer server) {
    this.xds = server;
  }

  /** The JSON of {@code GET /status}. */
  public synchronized String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("cluster", cluster);
    n.put("target", target);
    n.put("connected", connected);
    n.put("connectedSince", connectedSince == null ? null : connectedSince.toString());
    n.put("appliedVersion", appliedVersion);
    n.put("setHash", setHash);
    n.put("objects", objects);
    n.put("lastError", lastError);
    n.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
    n.put("inventorySuspect", inventorySuspect);
    if (lastNackReason == null) {
      n.putNull("lastNack");
    } else {
      n.putObject("lastNack").put("version", lastNackVersion).put("reason", lastNackReason);
    }
    n.put("reconnects", reconnects);
    n.put("heartbeatsSent", heartbeatsSent);
    if (telemetry == null) {
      n.putNull("telemetry");
    } else {
      n.set("telemetry", telemetry.toJson());
    }
    if (xds == null) {
      n.putNull("xds");
    } else {
      var x = n.putObject("xds");
      x.put("port", xds.port());
      var snapshot = xds.current();
      x.put("version", snapshot == null ? null : snapshot.version());
      x.put("listeners", snapshot == null ? 0 : snapshot.listeners().size());
      x.put("clusters", snapshot == null ? 0 : snapshot.clusters().size());
      x.put("diagnostics", snapshot == null ? 0 : snapshot.diagnostics().size());
      x.put("streams", xds.streams());
      x.put("nacks", xds.nacks());
      XdsNacks.Nack last = xds.lastNack();
      if (last == null) {
        x.putNull("lastNack");
      } else {
        x.set("lastNack", nackJson(last));
      }
      ArrayNode rejecting = x.putArray("rejected");
      xds.standingNacks().forEach(nack -> rejecting.add(nackJson(nack)));
    }
    return n.toString();
  }

  private static ObjectNode nackJson(XdsNacks.Nack nack) {
    ObjectNode n = JSON.createObjectNode();
    n.put("node", nack.node());
    n.put("type", nack.type());
    n.put("version", nack.version());
    n.put("error", nack.error());
    n.put("at", nack.at().toString());
    return n;
  }
}
