package dev.trestle.iam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This node's memory of verified bearer tokens and of the bindings on each FQN, so that a write
 * does not ask the principal entity and one policy entity per level of its FQN every time (issue
 * 21, P1a: ~13 asks per change).
 *
 * <p>An entry is used for at most {@code ttl} after it was read from its entity. Every change that
 * can take access away (a token revoked, bindings changed) drops the affected entries on every node
 * at once ({@link IamChanges}); the TTL is the bound when that notice is lost (a node unreachable
 * while it was published). A read that started before a notice never stores its possibly stale
 * answer: entries are stored only if no notice arrived since the read began ({@link #epoch()}).
 * Only positive token checks are kept; a refused token is asked again every time.
 */
public final class IamCache {
  /** Beyond this many entries of one kind the cache starts over (bounds memory). */
  static final int MAX_ENTRIES = 50_000;

  private record VerifiedToken(String subject, byte[] hash, Instant expiresAt, long readAt) {}

  private record CachedBindings(PolicyEntity.State state, long readAt) {}

  private final ConcurrentHashMap<String, VerifiedToken> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CachedBindings> bindings = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();
  private final long ttlNanos;
  private final LongSupplier nanoTime;

  /**
   * @param ttl how long an entry is trusted without news; zero turns the cache off
   * @param nanoTime a monotonic clock ({@link System#nanoTime} outside tests)
   */
  public IamCache(Duration ttl, LongSupplier nanoTime) {
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  public boolean enabled() {
    return ttlNanos > 0;
  }

  public Duration ttl() {
    return Duration.ofNanos(ttlNanos);
  }

  /** Read before asking an entity; hand it to the {@code put} of the answer. */
  public long epoch() {
    return epoch.get();
  }

  /**
   * The subject of the token {@code tokenId} when this node verified the same secret hash within
   * the TTL and the token has not expired at {@code now}; null otherwise.
   */
  public String verifiedSubject(String subject, String tokenId, String hash, Instant now) {
    if (!enabled()) {
      return null;
    }
    VerifiedToken t = tokens.get(key(subject, tokenId));
    if (t == null
        || !fresh(t.readAt())
        || (t.expiresAt() != null && !now.isBefore(t.expiresAt()))
        || !MessageDigest.isEqual(t.hash(), bytes(hash))) {
      return null;
    }
    return t.subject();
  }

  /** A token its principal entity accepted, read since {@code epochAtStart}. */
  public void putVerified(
      long epochAtStart, String subject, String tokenId, String hash, Instant expiresAt) {
    if (!enabled()) {
      return;
    }
    bound(tokens);
    store(
        epochAtStart,
        tokens,
        key(subject, tokenId),
        new VerifiedToken(subject, bytes(hash), expiresAt, nanoTime.getAsLong()));
  }

  /** The bindings on {@code target} read within the TTL, or null. */
  public PolicyEntity.State bindings(String target) {
    if (!enabled()) {
      return null;
    }
    CachedBindings b = bindings.get(target);
    return b != null && fresh(b.readAt()) ? b.state() : null;
  }

  /** Bindings read from {@code target}'s policy entity since {@code epochAtStart}. */
  public void putBindings(long epochAtStart, String target, PolicyEntity.State state) {
    if (!enabled()) {
      return;
    }
    bound(bindings);
    store(epochAtStart, bindings, target, new CachedBindings(state, nanoTime.getAsLong()));
  }

  /** Something about {@code subject}'s tokens changed: forget every token of it. */
  public void tokensChanged(String subject) {
    epoch.incrementAndGet();
    String prefix = subject + '\n';
    tokens.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** The bindings on {@code target} changed. */
  public void bindingsChanged(String target) {
    epoch.incrementAndGet();
    bindings.remove(target);
  }

  /** Forget everything (a notice may have been missed, e.g. after a cluster partition). */
  public void clear() {
    epoch.incrementAndGet();
    tokens.clear();
    bindings.clear();
  }

  private <V> void store(long epochAtStart, ConcurrentHashMap<String, V> map, String key, V value) {
    if (epoch.get() != epochAtStart) {
      return;
    }
    map.put(key, value);
    // A notice that raced with the put above may have missed the new entry: drop it then.
    if (epoch.get() != epochAtStart) {
      map.remove(key, value);
    }
  }

  private boolean fresh(long readAt) {
    return nanoTime.getAsLong() - readAt < ttlNanos;
  }

  private static void bound(ConcurrentHashMap<String, ?> map) {
    if (map.size() >= MAX_ENTRIES) {
      map.clear();
    }
  }

  private static String key(String subject, String tokenId) {
    return subject + '\n' + tokenId;
  }

  private static byte[] bytes(String hash) {
    return hash.getBytes(StandardCharsets.UTF_8);
  }
}
