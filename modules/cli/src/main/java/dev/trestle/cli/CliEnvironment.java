package dev.trestle.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** What the CLI reads from its process: stdin, environment variables, home directory, clock. */
public record CliEnvironment(InputStream stdin, Map<String, String> env, Path home, Clock clock) {

  public CliEnvironment {
    env = Map.copyOf(env);
  }

  public static CliEnvironment system() {
    return new CliEnvironment(
        System.in, System.getenv(), Path.of(System.getProperty("user.home")), Clock.systemUTC());
  }

  /** The value of a variable, empty when unset or blank. */
  public Optional<String> variable(String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }
}
