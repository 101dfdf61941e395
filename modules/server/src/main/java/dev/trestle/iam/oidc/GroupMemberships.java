package dev.trestle.iam.oidc;

import dev.trestle.protocol.BindingSubjects;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The groups of principals authenticated by an external token, as the most recent valid token a
 * principal presented to this node said, until that token expires. Authorization reads them next to
 * the principal's own bindings: a request is always authenticated on the node that authorizes it,
 * just before, so the groups are those of the token that came with it (or of a newer one from the
 * same principal). Nothing is journaled: membership belongs to the issuer.
 */
public final class GroupMemberships {
  private static final int SWEEP_ABOVE = 10_000;

  private record Entry(List<String> subjects, Instant until) {}

  private final Map<String, Entry> byPrincipal = new ConcurrentHashMap<>();
  private final Clock clock;

  public GroupMemberships(Clock clock) {
    this.clock = clock;
  }

  /** Records {@code groups} (names, without prefix) of {@code principal} until {@code until}. */
  public void record(String principal, List<String> groups, Instant until) {
    if (byPrincipal.size() > SWEEP_ABOVE) {
      Instant now = clock.instant();
      byPrincipal.values().removeIf(e -> !now.isBefore(e.until()));
    }
    byPrincipal.put(
        principal,
        new Entry(
            groups.stream().map(g -> BindingSubjects.GROUP_PREFIX + g).distinct().toList(), until));
  }

  /** The binding subjects ({@code group:NAME}) {@code principal} belongs to now. */
  public List<String> subjectsOf(String principal) {
    Entry e = byPrincipal.get(principal);
    if (e == null || !clock.instant().isBefore(e.until())) {
      return List.of();
    }
    return e.subjects();
  }
}
