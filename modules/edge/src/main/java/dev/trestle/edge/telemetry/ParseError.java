package dev.trestle.edge.telemetry;

/** A line the parser refused: its number (from 1), what was wrong and why; the line was skipped. */
public record ParseError(long line, String what, String why) {
  @Override
  public String toString() {
    return "line " + line + ": " + what + ": " + why;
  }
}
