package dev.trestle.testing;

import dev.trestle.app.ServerArgs;
import dev.trestle.app.TrestleServer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Entry point of {@link ServerProcess}: an insecure-dev server on ephemeral ports; args: DATA-DIR
 * [CONFIG-FILE].
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) {
    var serverArgs =
        new ServerArgs(
                args.length > 1 ? Optional.of(Path.of(args[1])) : Optional.empty(),
                Optional.of(Path.of(args[0])),
                Optional.of(0),
                Optional.of(0),
                Optional.of(0))
            .withInsecureDev(true);
    System.exit(TrestleServer.run(serverArgs));
  }
}
