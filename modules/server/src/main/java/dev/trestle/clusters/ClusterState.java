package dev.trestle.clusters;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.trestle.core.CborSerializable;
import dev.trestle.core.TokenLifetime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything central knows about one cluster, rebuilt from its events. {@code sessionId} is empty
 * while no edge is connected; {@code sessionConflict} is the last refusal of a second agent while
 * another held the cluster's live session (empty when none), at {@code sessionConflictAt}; {@code
 * xdsRejections} are the xDS NACKs that still stood at the edge's last heartbeat (empty when none);
 * {@code failingServices} the services ({@code namespace/name}, sorted) central's telemetry marked
 * failing (docs/telemetry.md, "Failover by telemetry"); {@code spentTokens} are the last single-use
 * tokens an agent joined with, by id, so that a copy presented later is told it was spent rather
 * than that it is unknown.
 */
public record ClusterState(
    Map<String, JoinToken> tokens,
    String sessionId,
    String sessionTokenId,
    String agentVersion,
    Instant lastHeartbeat,
    long heartbeats,
    ClusterHealthState health,
    InventorySnapshot inventory,
    long appliedVersion,
    String appliedHash,
    long failedVersion,
    String failedReason,
    List<ClusterEvent.ObjectFailure> failures,
    String sessionConflict,
    Instant sessionConflictAt,
    List<StandingXdsRejection> xdsRejections,
    List<String> failingServices,
    Map<String, SpentToken> spentTokens)
    implements CborSerializable {
  /** How many spent single-use tokens are remembered (the oldest is forgotten first). */
  static final int MAX_SPENT_TOKENS = 16;

  /**
   * A join token as stored: its id, the SHA-256 of its secret, who minted it when, when it expires
   * (null: never) and whether it is a single-use bootstrap token.
   */
  public record JoinToken(
      String id,
      String secretSha256,
      Instant issuedAt,
      String issuedBy,
      Instant expiresAt,
      boolean singleUse)
      implements CborSerializable {
    public boolean expiredAt(Instant now) {
      return TokenLifetime.expired(expiresAt, now);
    }
  }

  /**
   * A single-use token that admitted an agent, which got a token of its own in exchange: its id,
   * secret hash, when and by which session it was spent.
   */
  public record SpentToken(String id, String secretSha256, Instant spentAt, String sessionId)
      implements CborSerializable {}

  public ClusterState {
    tokens = Map.copyOf(tokens);
    failures = List.copyOf(failures);
    // absent in snapshots written before the field existed
    sessionConflict = sessionConflict == null ? "" : sessionConflict;
    xdsRejections = xdsRejections == null ? List.of() : List.copyOf(xdsRejections);
    failingServices =
        failingServices == null ? List.of() : List.copyOf(new TreeSet<>(failingServices));
    spentTokens = spentTokens == null ? Map.of() : Map.copyOf(spentTokens);
  }

  public static ClusterState empty() {
    return new ClusterState(
        Map.of(),
        "",
        "",
        "",
        null,
        0,
        ClusterHealthState.UNKNOWN,
        InventorySnapshot.empty(),
        0,
        "",
        0,
        "",
        List.of(),
        "",
        null,
        List.of(),
        List.of(),
        Map.of());
  }

  @JsonIgnore
  public boolean connected() {
    return !sessionId.isEmpty();
  }

  ClusterState apply(ClusterEvent event) {
    if (event instanceof ClusterEvent.JoinTokenIssued e) {
      var next = new TreeMap<>(tokens);
      next.put(
          e.tokenId(),
          new JoinToken(
              e.tokenId(), e.secretSha256(), e.at(), e.principal(), e.expiresAt(), e.singleUse()));
      return edit().tokens(next).build();
    }
    if (event instanceof ClusterEvent.JoinTokenRevoked e) {
      var next = new TreeMap<>(tokens);
      JoinToken revoked = next.remove(e.tokenId());
      var editor = edit().tokens(next);
      // An agent's own Connect revokes the single-use token it joined with (ClusterEntity.connect).
      if (revoked != null
          && revoked.singleUse()
          && e.principal().equals(agentPrincipal(e.cluster()))) {
        editor.spentTokens(
            spent(new SpentToken(revoked.id(), revoked.secretSha256(), e.at(), e.requestId())));
      }
      return editor.build();
    }
    if (event instanceof ClusterEvent.EdgeConnected e) {
      return edit()
          .session(e.sessionId(), e.tokenId())
          .agentVersion(e.agentVersion())
          .lastHeartbeat(e.at())
          .build();
    }
    if (event instanceof ClusterEvent.EdgeDisconnected e) {
      return e.sessionId().equals(sessionId) ? edit().session("", "").build() : this;
    }
    if (event instanceof ClusterEvent.HeartbeatReceived e) {
      return edit().lastHeartbeat(e.at()).heartbeats(heartbeats + 1).build();
    }
    if (event instanceof ClusterEvent.InventoryChanged e) {
      return edit().inventory(e.inventory()).build();
    }
    if (event instanceof ClusterEvent.HealthChanged e) {
      return edit().health(e.to()).build();
    }
    if (event instanceof ClusterEvent.VersionAcked e) {
      var next = edit().applied(e.version(), e.setHash());
      if (e.version() >= failedVersion) {
        next.failed(0, "", List.of());
      }
      return next.build();
    }
    if (event instanceof ClusterEvent.VersionNacked e) {
      return edit().failed(e.version(), e.reason(), e.failures()).build();
    }
    if (event instanceof ClusterEvent.SessionConflict e) {
      return edit().sessionConflict(e.detail(), e.at()).build();
    }
    if (event instanceof ClusterEvent.XdsRejectionsChanged e) {
      return edit().xdsRejections(e.rejections()).build();
    }
    if (event instanceof ClusterEvent.ServiceFailingChanged e) {
      var next = new TreeSet<>(failingServices);
      if (e.failing()) {
        next.add(e.service());
      } else {
        next.remove(e.service());
      }
      return edit().failingServices(List.copyOf(next)).build();
    }
    if (event instanceof ClusterEvent.ServiceHealthChanged) {
      return this; // an audit record; the inventory itself came with InventoryChanged
    }
    throw new IllegalArgumentException("unknown cluster event " + event.getClass().getName());
  }

  /** Who revokes a single-use token when an agent joins with it: the cluster's edge. */
  static String agentPrincipal(String cluster) {
    return "edge:" + cluster;
  }

  private Map<String, SpentToken> spent(SpentToken token) {
    var next = new TreeMap<>(spentTokens);
    next.put(token.id(), token);
    while (next.size() > MAX_SPENT_TOKENS) {
      next.values().stream()
          .min((a, b) -> a.spentAt().compareTo(b.spentAt()))
          .ifPresent(oldest -> next.remove(oldest.id()));
    }
    return next;
  }

  private Editor edit() {
    return new Editor(this);
  }

  /**
   * A copy of a state with some fields replaced. The record's shape is what snapshots store, so it
   * stays flat; each event changes a few fields and this keeps the rest in one place.
   */
  private static final class Editor {
    private Map<String, JoinToken> tokens;
    private String sessionId;
    private String sessionTokenId;
    private String agentVersion;
    private Instant lastHeartbeat;
    private long heartbeats;
    private ClusterHealthState health;
    private InventorySnapshot inventory;
    private long appliedVersion;
    private String appliedHash;
    private long failedVersion;
    private String failedReason;
    private List<ClusterEvent.ObjectFailure> failures;
    private String sessionConflict;
    private Instant sessionConflictAt;
    private List<StandingXdsRejection> xdsRejections;
    private List<String> failingServices;
    private Map<String, SpentToken> spentTokens;

    Editor(ClusterState s) {
      tokens = s.tokens;
      sessionId = s.sessionId;
      sessionTokenId = s.sessionTokenId;
      agentVersion = s.agentVersion;
      lastHeartbeat = s.lastHeartbeat;
      heartbeats = s.heartbeats;
      health = s.health;
      inventory = s.inventory;
      appliedVersion = s.appliedVersion;
      appliedHash = s.appliedHash;
      failedVersion = s.failedVersion;
      failedReason = s.failedReason;
      failures = s.failures;
      sessionConflict = s.sessionConflict;
      sessionConflictAt = s.sessionConflictAt;
      xdsRejections = s.xdsRejections;
      failingServices = s.failingServices;
      spentTokens = s.spentTokens;
    }

    Editor tokens(Map<String, JoinToken> value) {
      tokens = value;
      return this;
    }

    Editor session(String id, String tokenId) {
      sessionId = id;
      sessionTokenId = tokenId;
      return this;
    }

    Editor agentVersion(String value) {
      agentVersion = value;
      return this;
    }

    Editor lastHeartbeat(Instant value) {
      lastHeartbeat = value;
      return this;
    }

    Editor heartbeats(long value) {
      heartbeats = value;
      return this;
    }

    Editor health(ClusterHealthState value) {
      health = value;
      return this;
    }

    Editor inventory(InventorySnapshot value) {
      inventory = value;
      return this;
    }

    Editor applied(long version, String hash) {
      appliedVersion = version;
      appliedHash = hash;
      return this;
    }

    Editor failed(long version, String reason, List<ClusterEvent.ObjectFailure> objects) {
      failedVersion = version;
      failedReason = reason;
      failures = objects;
      return this;
    }

    Editor sessionConflict(String detail, Instant at) {
      sessionConflict = detail;
      sessionConflictAt = at;
      return this;
    }

    Editor xdsRejections(List<StandingXdsRejection> value) {
      xdsRejections = value;
      return this;
    }

    Editor failingServices(List<String> value) {
      failingServices = value;
      return this;
    }

    Editor spentTokens(Map<String, SpentToken> value) {
      spentTokens = value;
      return this;
    }

    ClusterState build() {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections,
          failingServices,
          spentTokens);
    }
  }
}
