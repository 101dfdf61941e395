package dev.trestle.clusters;

/** Text an edge sent, made safe for logs and error messages. */
public final class EdgeSuppliedText {
  private static final int MAX_CHARS = 100;

  private EdgeSuppliedText() {}

  /** Bounded and without control characters, so an edge cannot forge or flood log lines. */
  public static String printable(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > MAX_CHARS ? clean.substring(0, MAX_CHARS) + "..." : clean;
  }
}
