package dev.trestle.cli;

import dev.trestle.protocol.v1.Permission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Permissions as typed ({@code read,set-policy}) and as printed ({@code READ, SET_POLICY}). */
final class Permissions {
  /** Every permission a role can hold, in the order of the proto. */
  static final List<Permission> ALL =
      List.of(
          Permission.PERMISSION_READ,
          Permission.PERMISSION_WRITE,
          Permission.PERMISSION_CREATE,
          Permission.PERMISSION_DELETE,
          Permission.PERMISSION_SET_POLICY);

  private Permissions() {}

  /** Parses names such as {@code read}, {@code SET_POLICY}, {@code set-policy}. */
  static Permission parse(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    if (t.startsWith("PERMISSION_")) {
      t = t.substring("PERMISSION_".length());
    }
    for (Permission p : ALL) {
      if (p.name().equals("PERMISSION_" + t)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown permission '"
            + text.strip()
            + "'; one of "
            + names(ALL).toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  /** Each comma-separated name of every value, without duplicates, in proto order. */
  static List<Permission> parseAll(Collection<String> values) {
    Set<Permission> out = EnumSet.noneOf(Permission.class);
    for (String value : values) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          out.add(parse(part));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** {@code READ, WRITE}: the short names, in proto order. */
  static String format(Collection<Permission> permissions) {
    return names(permissions.stream().sorted().toList());
  }

  private static String names(Collection<Permission> permissions) {
    return permissions.stream()
        .map(p -> p.name().substring("PERMISSION_".length()))
        .collect(Collectors.joining(", "));
  }
}
