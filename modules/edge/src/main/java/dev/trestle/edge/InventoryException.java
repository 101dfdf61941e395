package dev.trestle.edge;

import java.util.List;

/** An inventory file that cannot be used; the message lists every problem as file: field: why. */
public final class InventoryException extends Exception {
  private final List<String> problems;

  public InventoryException(List<String> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String summary(List<String> problems) {
    int shown = Math.min(5, problems.size());
    String text = String.join("; ", problems.subList(0, shown));
    return problems.size() > shown ? text + "; and " + (problems.size() - shown) + " more" : text;
  }
}
