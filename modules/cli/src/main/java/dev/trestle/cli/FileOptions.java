package dev.trestle.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code -f FILE|DIR|-}, repeatable. */
public final class FileOptions {
  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE|DIR|-",
      description =
          "YAML/JSON file (several documents allowed), a directory (every *.yaml, *.yml, *.json"
              + " below it, in lexical order), or - for stdin. Repeatable.")
  List<String> files = new ArrayList<>();

  boolean given() {
    return !files.isEmpty();
  }
}
