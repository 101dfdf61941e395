package dev.trestle.protocol;

import dev.trestle.protocol.v1.ResourceMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A fully-qualified resource name: the path from the root, e.g. {@code
 * organizations/acme/tenants/payments/workspaces/checkout}. The empty FQN is the root, the parent
 * of organizations.
 */
public record Fqn(List<Segment> segments) implements Comparable<Fqn> {

  public static final Fqn ROOT = new Fqn(List.of());
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public record Segment(Kind kind, String name) {}

  public Fqn {
    segments = List.copyOf(segments);
  }

  /** Parses and checks an FQN; throws {@link IllegalArgumentException} naming what is wrong. */
  public static Fqn parse(String text) {
    if (text == null || text.isBlank()) {
      return ROOT;
    }
    String trimmed = text.strip();
    if (trimmed.startsWith("/") || trimmed.endsWith("/")) {
      trimmed = trimmed.replaceAll("^/+|/+$", "");
    }
    String[] parts = trimmed.split("/", -1);
    if (parts.length % 2 != 0) {
      throw new IllegalArgumentException(
          "FQN '" + text + "' must alternate collection/name, e.g. organizations/acme/tenants/t1");
    }
    var segments = new ArrayList<Segment>();
    Kind previous = null;
    for (int i = 0; i < parts.length; i += 2) {
      String collection = parts[i];
      String name = parts[i + 1];
      Kind kind =
          Kind.byCollection(collection)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "FQN '" + text + "': unknown collection '" + collection + "'"));
      Kind expectedParent = kind.parent().orElse(null);
      if (expectedParent != previous) {
        throw new IllegalArgumentException(
            "FQN '"
                + text
                + "': '"
                + collection
                + "' cannot follow "
                + (previous == null ? "the root" : "'" + previous.collection() + "'"));
      }
      if (!DNS_LABEL.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "FQN '" + text + "': name '" + name + "' is not a DNS-1123 label");
      }
      segments.add(new Segment(kind, name));
      previous = kind;
    }
    return new Fqn(segments);
  }

  /** Builds the FQN a document's kind and metadata describe; throws naming the missing field. */
  public static Fqn of(Kind kind, ResourceMetadata metadata) {
    var segments = new ArrayList<Segment>();
    for (Kind k : kind.lineage()) {
      String name =
          switch (k) {
            case ORGANIZATION -> kind == k ? metadata.getName() : metadata.getOrganization();
            case TENANT -> kind == k ? metadata.getName() : metadata.getTenant();
            case WORKSPACE -> kind == k ? metadata.getName() : metadata.getWorkspace();
            case GROUP -> kind == k ? metadata.getName() : metadata.getGroup();
            default -> metadata.getName();
          };
      segments.add(new Segment(k, name));
    }
    return new Fqn(segments);
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public Optional<Kind> kind() {
    return isRoot() ? Optional.empty() : Optional.of(segments.get(segments.size() - 1).kind());
  }

  public String name() {
    return isRoot() ? "" : segments.get(segments.size() - 1).name();
  }

  public Fqn parent() {
    return isRoot() ? ROOT : new Fqn(segments.subList(0, segments.size() - 1));
  }

  /** The name of the ancestor of the given kind, or empty. */
  public Optional<String> nameOf(Kind kind) {
    return segments.stream().filter(s -> s.kind() == kind).map(Segment::name).findFirst();
  }

  public Fqn child(Kind kind, String name) {
    var list = new ArrayList<>(segments);
    list.add(new Segment(kind, name));
    return new Fqn(list);
  }

  /** True when {@code other} is this FQN or lies below it. */
  public boolean contains(Fqn other) {
    return other.segments.size() >= segments.size()
        && other.segments.subList(0, segments.size()).equals(segments);
  }

  public int depth() {
    return segments.size();
  }

  @Override
  public String toString() {
    var sb = new StringBuilder();
    for (Segment s : segments) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(s.kind().collection()).append('/').append(s.name());
    }
    return sb.toString();
  }

  @Override
  public int compareTo(Fqn o) {
    return toString().compareTo(o.toString());
  }
}
