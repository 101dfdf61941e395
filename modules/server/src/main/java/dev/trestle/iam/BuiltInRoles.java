package dev.trestle.iam;

import dev.trestle.core.Perm;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The roles every installation has; custom roles may not reuse these names. */
public final class BuiltInRoles {
  public static final Map<String, Set<Perm>> ROLES =
      Map.of(
          "admin", EnumSet.allOf(Perm.class),
          "editor", EnumSet.of(Perm.READ, Perm.WRITE, Perm.CREATE, Perm.DELETE),
          "creator", EnumSet.of(Perm.READ, Perm.CREATE),
          "writer", EnumSet.of(Perm.READ, Perm.WRITE),
          "reader", EnumSet.of(Perm.READ));

  private BuiltInRoles() {}

  public static Optional<Set<Perm>> permissions(String role) {
    return Optional.ofNullable(ROLES.get(role));
  }
}
