package dev.trestle.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What a sync of an owner's files may delete: the owned resources no longer in the files, deepest
 * first, without the deletion-protected ones, and only within the mass-delete guard. One rule for
 * the GitOps reconciler and {@code trestle apply --prune --owner}.
 *
 * @param candidates owned resources missing from the files, deepest first (children before parents)
 * @param protectedOnes candidates with deletionProtection: never deleted by a prune
 * @param refusal why nothing may be deleted (empty desired set, too large a share), or null
 */
public record PrunePlan(List<String> candidates, List<String> protectedOnes, String refusal) {

  /** The share used when none is given. */
  public static final int DEFAULT_MAX_DELETE_PERCENT = 25;

  /** An owned resource: its FQN and whether deletionProtection is set. */
  public record Owned(String fqn, boolean deletionProtection) {}

  /**
   * @param owned every resource carrying the owner's label
   * @param desired the FQNs in the files
   * @param maxDeletePercent 1-100, or 0 for {@link #DEFAULT_MAX_DELETE_PERCENT}
   * @param allowEmpty whether an empty desired set may delete everything owned
   */
  public static PrunePlan of(
      List<Owned> owned, Set<String> desired, int maxDeletePercent, boolean allowEmpty) {
    var gone = new ArrayList<String>();
    var kept = new ArrayList<String>();
    for (Owned o : owned) {
      if (!desired.contains(o.fqn())) {
        (o.deletionProtection() ? kept : gone).add(o.fqn());
      }
    }
    Comparator<String> deepestFirst =
        Comparator.<String>comparingInt(f -> Fqn.parse(f).depth())
            .reversed()
            .thenComparing(Comparator.naturalOrder());
    gone.sort(deepestFirst);
    kept.sort(deepestFirst);
    String refusal = null;
    if (desired.isEmpty() && !owned.isEmpty() && !allowEmpty) {
      refusal =
          "the files hold no documents; refusing to delete all "
              + owned.size()
              + " owned resources (allow an empty set explicitly to do that)";
    } else if (!gone.isEmpty()) {
      int percent = maxDeletePercent <= 0 ? DEFAULT_MAX_DELETE_PERCENT : maxDeletePercent;
      // an empty set that is allowed may delete everything; otherwise the share is capped
      boolean everythingAllowed = desired.isEmpty() && allowEmpty;
      if (!everythingAllowed && gone.size() * 100L > (long) percent * owned.size()) {
        refusal =
            "mass-delete guard: "
                + gone.size()
                + " of "
                + owned.size()
                + " owned resources would be deleted, more than the "
                + percent
                + "% allowed";
      }
    }
    return new PrunePlan(List.copyOf(gone), List.copyOf(kept), refusal);
  }
}
