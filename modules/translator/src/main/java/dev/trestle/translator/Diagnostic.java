package dev.trestle.translator;

/**
 * Something the translator had to decide on the user's behalf or could not express in Istio (a
 * conflict, a dangling reference, a rule that resolved to no caller). Translation never fails on
 * these; they travel with the result so status and audit can show them.
 *
 * @param source FQN of the resource concerned
 */
public record Diagnostic(String source, String message) implements Comparable<Diagnostic> {

  @Override
  public int compareTo(Diagnostic o) {
    int c = source.compareTo(o.source);
    return c != 0 ? c : message.compareTo(o.message);
  }

  @Override
  public String toString() {
    return source + ": " + message;
  }
}
