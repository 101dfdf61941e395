package dev.trestle.launcher;

import dev.trestle.cli.CliEnvironment;
import dev.trestle.cli.TrestleCli;
import dev.trestle.edge.EdgeCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code trestle} program ({@code ./trestle}, the images, the integration tests): the CLI's
 * client verbs plus {@code server} (the central server) and {@code edge} (a cluster's edge agent).
 */
public final class TrestleLauncher {
  private TrestleLauncher() {}

  /** The verbs that run a process of their own rather than call a server. */
  static List<Object> processVerbs() {
    return List.of(ServerCommand.class, EdgeCommand.class);
  }

  public static void main(String[] args) {
    var out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    var err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = TrestleCli.execute(args, CliEnvironment.system(), processVerbs(), out, err);
    System.exit(code);
  }
}
