package dev.trestle.xds;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * What one translation could not serve, one line each, in the order met and without repeats (a
 * DestinationRule shared by several ports reports its problem once).
 */
final class Diagnostics {
  private final LinkedHashSet<String> lines = new LinkedHashSet<>();

  void add(String line) {
    lines.add(line);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }
}
