package dev.trestle.cli;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves what the user typed ({@code KIND [NAME]}, or an FQN) against the parent names known from
 * flags and the CLI config. Throws {@link IllegalArgumentException} for malformed input.
 */
public final class Targets {
  private Targets() {}

  /** A single resource: known exactly, or a name to search for below an ancestor. */
  public sealed interface Target {}

  /** The FQN is fully known. */
  public record Exact(Fqn fqn) implements Target {}

  /**
   * Only the name is known: look for {@code kind}s named {@code name} anywhere below {@code
   * ancestor} that also agree with the given parent names.
   */
  public record Search(Kind kind, String name, Fqn ancestor, ParentNames parents)
      implements Target {}

  /** What a listing asks the server for, plus the parent names to filter the answer by. */
  public record Listing(Kind kind, Fqn parent, boolean recursive, ParentNames parents) {
    /** True when a resource lies where the flags say (matters for recursive listings). */
    public boolean matches(Fqn fqn) {
      return Targets.matches(fqn, kind, parents);
    }
  }

  public static Kind kind(String typed) {
    return Kind.lookup(typed)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown kind '"
                        + typed
                        + "'; one of "
                        + Kind.acceptedNames()
                        + " (plurals and short names like 'orgs', 'ws', 'sr' work too)"));
  }

  /** True when the argument is written as an FQN rather than a kind or a name. */
  public static boolean looksLikeFqn(String arg) {
    return arg.contains("/");
  }

  /** Parses an FQN argument naming one resource (not the root). */
  public static Fqn fqn(String typed) {
    Fqn fqn = Fqn.parse(typed);
    if (fqn.isRoot()) {
      throw new IllegalArgumentException("'" + typed + "' does not name a resource");
    }
    return fqn;
  }

  /** {@code KIND NAME} (or {@code KIND FQN}) as a target. */
  public static Target single(Kind kind, String nameOrFqn, ParentNames parents) {
    if (looksLikeFqn(nameOrFqn)) {
      Fqn fqn = fqn(nameOrFqn);
      if (fqn.kind().orElseThrow() != kind) {
        throw new IllegalArgumentException(
            "'"
                + nameOrFqn
                + "' is "
                + article(fqn.kind().orElseThrow())
                + ", not "
                + article(kind));
      }
      return new Exact(fqn);
    }
    checkName(nameOrFqn);
    Fqn ancestor = deepestAncestor(kind, parents);
    if (ancestor.depth() == kind.depth()) {
      return new Exact(ancestor.child(kind, nameOrFqn));
    }
    return new Search(kind, nameOrFqn, ancestor, parents);
  }

  /** The listing of a kind below the deepest ancestor the parent names allow. */
  public static Listing listing(Kind kind, ParentNames parents) {
    Fqn parent = deepestAncestor(kind, parents);
    return new Listing(kind, parent, parent.depth() != kind.depth(), parents);
  }

  /**
   * The FQN built from the parent names, following {@code kind}'s lineage from the root and
   * stopping at the first one not given.
   */
  public static Fqn deepestAncestor(Kind kind, ParentNames parents) {
    Fqn fqn = Fqn.ROOT;
    List<Kind> lineage = kind.lineage();
    for (Kind k : lineage.subList(0, lineage.size() - 1)) {
      Optional<String> name = parents.of(k);
      if (name.isEmpty()) {
        break;
      }
      checkName(name.get());
      fqn = fqn.child(k, name.get());
    }
    return fqn;
  }

  /** The parent kinds that must be named before {@code kind} can be found by name alone. */
  public static List<Kind> missingParents(Kind kind, ParentNames parents) {
    List<Kind> lineage = kind.lineage();
    return lineage.subList(0, lineage.size() - 1).stream()
        .filter(k -> parents.of(k).isEmpty())
        .toList();
  }

  /** True when {@code fqn} is a {@code kind} whose ancestors carry every given parent name. */
  public static boolean matches(Fqn fqn, Kind kind, ParentNames parents) {
    if (fqn.kind().orElse(null) != kind) {
      return false;
    }
    for (Kind k : kind.lineage()) {
      if (k != kind) {
        Optional<String> want = parents.of(k);
        if (want.isPresent() && !want.get().equals(fqn.nameOf(k).orElse(""))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The FQN of a resource as served, falling back to what its kind and metadata say. */
  public static Fqn fqnOf(Resource resource) {
    String served = resource.getMetadata().getFqn();
    if (!served.isEmpty()) {
      try {
        return Fqn.parse(served);
      } catch (IllegalArgumentException ignored) {
        // fall through to the metadata
      }
    }
    try {
      return fqnOfDocument(resource);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          "the server returned a "
              + resource.getKind()
              + " without a usable metadata.fqn ("
              + e.getMessage()
              + ")");
    }
  }

  /**
   * The FQN a document describes, checking that every parent its kind needs is named; throws {@link
   * IllegalArgumentException} naming the missing {@code metadata} field.
   */
  public static Fqn fqnOfDocument(Resource resource) {
    Kind kind =
        Kind.byKindName(resource.getKind())
            .orElseThrow(
                () -> new IllegalArgumentException("unknown kind '" + resource.getKind() + "'"));
    var meta = resource.getMetadata();
    for (Kind k : kind.lineage()) {
      String field = k == kind ? "name" : k.kindName().toLowerCase(Locale.ROOT);
      String value = k == kind ? meta.getName() : fieldOf(meta, k);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(
            "metadata." + field + ": is required for " + kind.kindName());
      }
    }
    return Fqn.parse(Fqn.of(kind, meta).toString());
  }

  private static String fieldOf(dev.trestle.protocol.v1.ResourceMetadata meta, Kind k) {
    return switch (k) {
      case ORGANIZATION -> meta.getOrganization();
      case TENANT -> meta.getTenant();
      case WORKSPACE -> meta.getWorkspace();
      case GROUP -> meta.getGroup();
      default -> meta.getName();
    };
  }

  static void checkName(String name) {
    // Fqn.parse knows the DNS-1123 rule; reuse it rather than repeat it.
    try {
      Fqn.parse("organizations/" + name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "name '"
              + name
              + "' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63"
              + " characters)");
    }
  }

  /** {@code a tenant}, {@code an organization}: for messages. */
  public static String article(Kind kind) {
    String word = kind.kindName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }

  /** {@code serviceroute}: how lines and messages name a kind. */
  public static String label(String kindName) {
    return kindName.toLowerCase(Locale.ROOT);
  }
}
