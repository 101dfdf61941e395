package dev.trestle.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What the CLI reads from its process: stdin, environment variables, home directory, clock. {@code
 * home} is the account's home from the password database (Java's {@code user.home}); {@code $HOME}
 * and {@code $XDG_CONFIG_HOME} win over it ({@link #configHome()}).
 */
public record CliEnvironment(InputStream stdin, Map<String, String> env, Path home, Clock clock) {

  public CliEnvironment {
    env = Map.copyOf(env);
  }

  public static CliEnvironment system() {
    return new CliEnvironment(
        System.in, System.getenv(), Path.of(System.getProperty("user.home")), Clock.systemUTC());
  }

  /**
   * The base directory of user configuration, as the XDG base-directory specification and
   * kubectl-style tools have it: {@code $XDG_CONFIG_HOME}, else {@code $HOME/.config}, else {@code
   * .config} in the account's home. A relative value is ignored, as the specification says.
   */
  public Path configHome() {
    return absolutePath("XDG_CONFIG_HOME")
        .orElseGet(() -> absolutePath("HOME").orElse(home).resolve(".config"));
  }

  private Optional<Path> absolutePath(String name) {
    return variable(name).map(Path::of).filter(Path::isAbsolute);
  }

  /** The value of a variable, empty when unset or blank. */
  public Optional<String> variable(String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }
}
