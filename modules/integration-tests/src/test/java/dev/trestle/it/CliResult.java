package dev.trestle.it;

import java.util.List;

/** What one CLI process did: its exit code and everything it printed. */
record CliResult(List<String> args, int exitCode, String stdout, String stderr) {

  List<String> stdoutLines() {
    return stdout.lines().toList();
  }

  List<String> stderrLines() {
    return stderr.lines().toList();
  }

  /** For assertion descriptions: the command and its output, so a failure explains itself. */
  @Override
  public String toString() {
    return "trestle "
        + String.join(" ", args)
        + "\n  exit code: "
        + exitCode
        + "\n  stdout:\n"
        + indent(stdout)
        + "\n  stderr:\n"
        + indent(stderr);
  }

  private static String indent(String text) {
    String shown = text.length() > 4000 ? text.substring(0, 4000) + "\n(...)" : text;
    return shown.isEmpty() ? "    (empty)" : shown.indent(4).stripTrailing();
  }
}
