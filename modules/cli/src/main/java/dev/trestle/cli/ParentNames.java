package dev.trestle.cli;

import dev.trestle.protocol.Kind;
import java.util.Optional;

/** The organization/tenant/workspace/group names known from flags or the CLI config. */
public record ParentNames(
    Optional<String> organization,
    Optional<String> tenant,
    Optional<String> workspace,
    Optional<String> group) {

  public static final ParentNames NONE =
      new ParentNames(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** The name given for a parent kind; empty for kinds that are never parents. */
  public Optional<String> of(Kind kind) {
    return switch (kind) {
      case ORGANIZATION -> organization;
      case TENANT -> tenant;
      case WORKSPACE -> workspace;
      case GROUP -> group;
      default -> Optional.empty();
    };
  }

  /**
   * These (explicit) names, with gaps filled from {@code defaults} — but only above the first
   * explicit level: {@code --workspace other} keeps the default organization and tenant, and drops
   * the default group, which belongs to the default workspace.
   */
  public ParentNames withDefaults(ParentNames defaults) {
    int firstExplicit =
        organization.isPresent()
            ? 0
            : tenant.isPresent() ? 1 : workspace.isPresent() ? 2 : group.isPresent() ? 3 : 4;
    return new ParentNames(
        organization.or(() -> firstExplicit > 0 ? defaults.organization : Optional.empty()),
        tenant.or(() -> firstExplicit > 1 ? defaults.tenant : Optional.empty()),
        workspace.or(() -> firstExplicit > 2 ? defaults.workspace : Optional.empty()),
        group.or(() -> firstExplicit > 3 ? defaults.group : Optional.empty()));
  }
}
