package dev.trestle.cli;

import java.util.List;

/** Reading {@code -f} for a verb: every problem goes to stderr, and nothing is sent on failure. */
final class Inputs {
  private Inputs() {}

  /** The documents, or null after printing each problem (and a count) on stderr. */
  static InputFiles.Result readOrReport(ClientCommand command, List<String> files) {
    InputFiles.Result read = InputFiles.read(files, command.root().environment().stdin());
    if (!read.ok()) {
      read.errors().forEach(command::error);
      if (read.errors().size() > 1) {
        command.error(
            read.errors().size() + " problems in the input; nothing was sent to the server");
      }
      return null;
    }
    if (read.documents().isEmpty()) {
      command.error("no documents in " + String.join(", ", files));
      return null;
    }
    return read;
  }
}
