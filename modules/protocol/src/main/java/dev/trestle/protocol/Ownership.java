package dev.trestle.protocol;

/**
 * Who owns a resource written from a set of files: the label {@value #OWNER_LABEL} names the owner
 * (a GitSource's derived name, or the NAME of {@code trestle apply --prune --owner NAME}). Pruning
 * only ever considers resources carrying the owner's label value.
 */
public final class Ownership {
  public static final String OWNER_LABEL = "trestle.dev/owner";

  /** Kept short so that {@code gitsource-} + name + hash fits a DNS label (63). */
  private static final int NAME_PART = 36;

  private Ownership() {}

  /**
   * The owner name of a GitSource: {@code gitsource-NAME-HASH8}, HASH8 from its FQN, so two sources
   * of the same name in different tenants differ. It is also the source's service account name.
   */
  public static String gitSourceOwner(Fqn source) {
    String name = source.name();
    if (name.length() > NAME_PART) {
      name = name.substring(0, NAME_PART).replaceAll("-+$", "");
    }
    return "gitsource-" + name + "-" + Hashes.sha256(source.toString()).substring(0, 8);
  }

  /** The principal a GitSource acts as: {@code serviceaccounts/} + its owner name. */
  public static String gitSourcePrincipal(Fqn source) {
    return "serviceaccounts/" + gitSourceOwner(source);
  }
}
