package dev.trestle.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses where logs go before anything logs. {@code server} and {@code edge}: INFO to stdout (the
 * deployable's logback.xml pattern). Client verbs: WARN to stderr, so stdout stays clean for {@code
 * -o json}, and grpc-java's java.util.logging output is muted unless {@code --verbose}. Explicit
 * {@code -Dtrestle.log.level} / {@code $TRESTLE_LOG_LEVEL} still win.
 */
final class LoggingSetup {
  static final String LEVEL_PROPERTY = "trestle.log.level";
  static final String TARGET_PROPERTY = "trestle.log.target";

  private LoggingSetup() {}

  static void forVerb(String verb, boolean verbose, CliEnvironment env) {
    boolean server = "server".equals(verb) || "edge".equals(verb);
    if (server) {
      return; // logback.xml defaults: INFO, System.out
    }
    setIfAbsent(TARGET_PROPERTY, "System.err");
    if (env.variable("TRESTLE_LOG_LEVEL").isEmpty()) {
      setIfAbsent(LEVEL_PROPERTY, verbose ? "DEBUG" : "WARN");
    }
    if (!verbose) {
      Logger.getLogger("").setLevel(Level.OFF);
      Logger.getLogger("io.grpc").setLevel(Level.OFF);
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
