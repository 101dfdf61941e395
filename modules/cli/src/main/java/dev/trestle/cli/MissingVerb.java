package dev.trestle.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** What a command that only groups verbs does when none follows it: say so, show its usage. */
final class MissingVerb {
  private MissingVerb() {}

  /** Prints "error: missing WHAT" and the command's usage on stderr; returns the usage code. */
  static int report(CommandSpec spec, String what) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("error: missing " + what);
    spec.commandLine().usage(err);
    return ExitCodes.USAGE;
  }
}
