package dev.trestle.cli;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.Resource;
import java.util.List;

/**
 * Finds the one live resource a {@code KIND NAME} means when the flags and the CLI config do not
 * name all its parents: lists that kind below the deepest known ancestor and expects one match.
 */
final class ResourceSearch {
  private ResourceSearch() {}

  /**
   * The unique match; a {@link CliException} when there is none or several.
   *
   * @param selector label selector to narrow the listing, or null
   * @param notFoundNote appended to the message when nothing matches (may be empty)
   */
  static Resource find(
      ManagementClient client, Targets.Search search, String selector, String notFoundNote) {
    var listing = new Targets.Listing(search.kind(), search.ancestor(), true, search.parents());
    var request =
        ListRequest.newBuilder()
            .setParent(listing.parent().toString())
            .setKind(listing.kind().kindName())
            .setRecursive(listing.recursive());
    if (selector != null) {
      request.setLabelSelector(selector);
    }
    List<Resource> matches =
        client.listAll(request.build(), 0).resources().stream()
            .filter(
                r ->
                    listing.matches(Targets.fqnOf(r))
                        && Targets.fqnOf(r).name().equals(search.name()))
            .toList();
    String where = search.ancestor().isRoot() ? "" : " under " + search.ancestor();
    if (matches.isEmpty()) {
      throw new CliException(
          "no "
              + Targets.label(search.kind().kindName())
              + " named '"
              + search.name()
              + "'"
              + where
              + hint(search.kind(), search.parents())
              + notFoundNote);
    }
    if (matches.size() > 1) {
      throw new CliException(
          Targets.label(search.kind().kindName())
              + " '"
              + search.name()
              + "' is ambiguous"
              + where
              + ": "
              + RemoteErrors.abbreviate(
                  matches.stream().map(r -> Targets.fqnOf(r).toString()).toList())
              + "; give the FQN or "
              + ParentOptions.flags(Targets.missingParents(search.kind(), search.parents())));
    }
    return matches.get(0);
  }

  private static String hint(Kind kind, ParentNames names) {
    List<Kind> missing = Targets.missingParents(kind, names);
    return missing.isEmpty() ? "" : " (searched without " + ParentOptions.flags(missing) + ")";
  }
}
